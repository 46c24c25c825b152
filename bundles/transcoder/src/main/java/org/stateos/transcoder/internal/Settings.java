package org.stateos.transcoder.internal;

/** {@link TranscoderConfig} as plain values, checked, so tests can build one. */
public record Settings(int stereoBitrate, int monoBitrate, long stopGraceMillis, int threads, int maxConsecutiveErrors,
        int maxTranscodes, int paceDelayMillis, int paceMaxLateMillis) {

    public static final Settings DEFAULTS = new Settings(64_000, 32_000, 5_000, 1, 25, 64, 40, 200);

    public Settings {
        if (stereoBitrate < 6_000 || stereoBitrate > 510_000 || monoBitrate < 6_000 || monoBitrate > 510_000) {
            throw new IllegalArgumentException("Opus bit rates must be 6000..510000 bit/s");
        }
        if (stopGraceMillis < 0 || threads < 1 || threads > 64 || maxConsecutiveErrors < 1 || maxTranscodes < 1) {
            throw new IllegalArgumentException("stop_grace_ms >= 0, threads 1..64, max_consecutive_errors >= 1, "
                    + "max_transcodes >= 1");
        }
        if (paceDelayMillis < 0 || paceDelayMillis > 1_000 || paceMaxLateMillis < 0 || paceMaxLateMillis > 10_000) {
            throw new IllegalArgumentException("pace_delay_ms must be 0..1000 and pace_max_late_ms 0..10000");
        }
    }

    static Settings of(TranscoderConfig c) {
        return new Settings(c.opus_bitrate_stereo_bps(), c.opus_bitrate_mono_bps(), c.stop_grace_ms(), c.threads(),
                c.max_consecutive_errors(), c.max_transcodes(), c.pace_delay_ms(), c.pace_max_late_ms());
    }

    int bitrate(int channels) {
        return channels >= 2 ? stereoBitrate : monoBitrate;
    }
}
