package org.stateos.media.internal;

import java.time.Duration;

/** The configuration, checked and clamped to sane ranges (a bad etc/ value must not stop the registry). */
public record Settings(long takeoverMicros, long graceMillis, int queueMaxFrames, long queueMaxBytes, long gopMaxBytes,
        long rateWindowMicros, boolean recording, Duration dvrWindow, int maxInFlight) {

    public static final Settings DEFAULTS = new Settings(3_000_000, 10_000, 1000, 16L << 20, 8L << 20, 5_000_000, true,
            Duration.ofHours(1), 8);

    public Settings {
        takeoverMicros = Math.max(0, takeoverMicros);
        graceMillis = Math.max(0, graceMillis);
        queueMaxFrames = Math.max(16, queueMaxFrames);
        queueMaxBytes = Math.max(64 * 1024, queueMaxBytes);
        // The cached GOP is a new viewer's first backlog: it must leave room in the queue for live frames.
        gopMaxBytes = Math.max(0, Math.min(gopMaxBytes, queueMaxBytes / 2));
        rateWindowMicros = Math.max(500_000, rateWindowMicros);
        dvrWindow = dvrWindow == null || dvrWindow.isZero() || dvrWindow.isNegative() ? Duration.ofHours(1) : dvrWindow;
        maxInFlight = Math.max(1, maxInFlight);
    }

    public static Settings from(MediaConfig c) {
        return new Settings(c.takeover_silence_ms() * 1000, c.grace_ms(), c.subscriber_queue_max_frames(),
                c.subscriber_queue_max_bytes(), c.gop_cache_max_bytes(), c.rate_window_ms() * 1000,
                c.recording_enabled(), Duration.ofSeconds(c.recording_dvr_window_seconds()), c.recording_max_in_flight());
    }

    public Settings withTakeover(long micros) {
        return new Settings(micros, graceMillis, queueMaxFrames, queueMaxBytes, gopMaxBytes, rateWindowMicros, recording,
                dvrWindow, maxInFlight);
    }

    public Settings withQueue(int frames, long bytes) {
        return new Settings(takeoverMicros, graceMillis, frames, bytes, gopMaxBytes, rateWindowMicros, recording,
                dvrWindow, maxInFlight);
    }

    public Settings withRecording(boolean on, int inFlight) {
        return new Settings(takeoverMicros, graceMillis, queueMaxFrames, queueMaxBytes, gopMaxBytes, rateWindowMicros, on,
                dvrWindow, inFlight);
    }
}
