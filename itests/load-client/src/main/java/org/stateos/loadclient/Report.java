package org.stateos.loadclient;

import java.util.List;
import java.util.Locale;

/** The run's figures as text (a line per viewer and a total) or JSON. */
public record Report(String url, int viewersAsked, double seconds, List<ViewerResult> viewers, double processCpuSeconds,
        double steadyCpuCoreFraction, double steadySeconds, double reactorCpuSeconds, int reactors) {

    public String text() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-4s %-9s %8s %8s %9s %8s %7s %6s %7s %8s %6s %5s  %s%n", "#", "state",
                "setup_ms", "idr_ms", "packets", "pkt/s", "kbit/s", "lost", "loss%", "jit_ms", "nacks", "idrs", "failure"));
        for (ViewerResult v : viewers) {
            s.append(String.format(Locale.ROOT, "%-4d %-9s %8.1f %8.1f %9d %8.1f %7.0f %6d %7.3f %8.2f %6d %5d  %s%n",
                    v.index(), v.state(), v.setupMs(), v.keyframeWaitMs(), v.packets(), v.packetsPerSecond(), v.kbps(),
                    v.videoLost(), v.videoLossPercent(), v.videoJitterMs(), v.nacks(), v.idrFrames(),
                    v.failure() == null ? "" : v.failure()));
        }
        Totals t = totals();
        s.append(String.format(Locale.ROOT,
                "total: %d/%d viewers receiving, %d packets, %.1f MB, %.1f pkt/s per viewer, loss %d of %d (%.3f %%),"
                        + " gaps %d, jitter mean %.2f ms max %.2f ms, keyframe wait mean %.0f ms max %.0f ms, "
                        + "setup mean %.0f ms%n", t.receiving, viewersAsked, t.packets, t.bytes / 1e6, t.ppsPerViewer,
                t.lost, t.expected, t.lossPercent(), t.gaps, t.jitterMean, t.jitterMax, t.idrMean, t.idrMax, t.setupMean));
        s.append(String.format(Locale.ROOT,
                "client CPU: %.2f s process total; steady state %.1f %% of one core over %.1f s (%.3f %% per viewer);"
                        + " reactor threads (%d) %.2f s%n", processCpuSeconds, steadyCpuCoreFraction * 100, steadySeconds,
                viewers.isEmpty() ? 0 : steadyCpuCoreFraction * 100 / viewers.size(), reactors, reactorCpuSeconds));
        return s.toString();
    }

    public String json() {
        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"url\": \"").append(url).append("\",\n");
        s.append(String.format(Locale.ROOT, "  \"viewers_asked\": %d, \"seconds\": %.1f,%n", viewersAsked, seconds));
        s.append("  \"viewers\": [\n");
        for (int i = 0; i < viewers.size(); i++) {
            ViewerResult v = viewers.get(i);
            s.append(String.format(Locale.ROOT, "    {\"index\": %d, \"state\": \"%s\", \"failure\": %s, \"srtp\": %s, "
                    + "\"setup_ms\": %.1f, \"keyframe_wait_ms\": %.1f, \"seconds\": %.2f, \"packets\": %d, \"bytes\": %d, "
                    + "\"packets_per_s\": %.1f, \"kbps\": %.1f, \"video_packets\": %d, \"video_expected\": %d, "
                    + "\"video_lost\": %d, \"video_loss_percent\": %.4f, \"video_gaps\": %d, \"video_reordered\": %d, "
                    + "\"video_jitter_ms\": %.3f, \"idr_frames\": %d, \"audio_packets\": %d, \"audio_lost\": %d, "
                    + "\"audio_jitter_ms\": %.3f, \"nacks\": %d, \"nacked_packets\": %d, \"rtcp_sent\": %d, "
                    + "\"srtp_errors\": %d, \"srtcp_errors\": %d, \"last_crypto_error\": %s}%s%n",
                    v.index(), v.state(), quote(v.failure()), quote(v.srtpProfile()), v.setupMs(), v.keyframeWaitMs(),
                    v.seconds(), v.packets(), v.bytes(), v.packetsPerSecond(), v.kbps(), v.videoPackets(),
                    v.videoExpected(), v.videoLost(), v.videoLossPercent(), v.videoGaps(), v.videoReordered(),
                    v.videoJitterMs(), v.idrFrames(), v.audioPackets(), v.audioLost(), v.audioJitterMs(), v.nacks(),
                    v.nackedPackets(), v.rtcpSent(), v.srtpErrors(), v.srtcpErrors(), quote(v.lastCryptoError()), i + 1 < viewers.size() ? "," : ""));
        }
        Totals t = totals();
        s.append("  ],\n");
        s.append(String.format(Locale.ROOT, "  \"total\": {\"receiving\": %d, \"packets\": %d, \"bytes\": %d, "
                + "\"packets_per_s_per_viewer\": %.1f, \"video_expected\": %d, \"video_lost\": %d, "
                + "\"video_loss_percent\": %.4f, \"video_gaps\": %d, \"jitter_ms_mean\": %.3f, \"jitter_ms_max\": %.3f, "
                + "\"keyframe_wait_ms_mean\": %.1f, \"keyframe_wait_ms_max\": %.1f, \"setup_ms_mean\": %.1f},%n",
                t.receiving, t.packets, t.bytes, t.ppsPerViewer, t.expected, t.lost, t.lossPercent(), t.gaps,
                t.jitterMean, t.jitterMax, t.idrMean, t.idrMax, t.setupMean));
        s.append(String.format(Locale.ROOT, "  \"client_cpu\": {\"process_seconds\": %.3f, \"steady_core_fraction\": %.4f, "
                + "\"steady_seconds\": %.1f, \"reactor_threads\": %d, \"reactor_seconds\": %.3f}%n}%n",
                processCpuSeconds, steadyCpuCoreFraction, steadySeconds, reactors, reactorCpuSeconds));
        return s.toString();
    }

    private static String quote(String v) {
        return v == null ? "null" : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    Totals totals() {
        Totals t = new Totals();
        int idrs = 0;
        int setups = 0;
        double ppsSum = 0;
        for (ViewerResult v : viewers) {
            t.packets += v.packets();
            t.bytes += v.bytes();
            t.expected += v.videoExpected();
            t.lost += v.videoLost();
            t.gaps += v.videoGaps();
            if (v.receiving()) {
                t.receiving++;
                ppsSum += v.packetsPerSecond();
                t.jitterMean += v.videoJitterMs();
                t.jitterMax = Math.max(t.jitterMax, v.videoJitterMs());
            }
            if (v.keyframeWaitMs() >= 0) {
                idrs++;
                t.idrMean += v.keyframeWaitMs();
                t.idrMax = Math.max(t.idrMax, v.keyframeWaitMs());
            }
            if (v.setupMs() >= 0) {
                setups++;
                t.setupMean += v.setupMs();
            }
        }
        t.ppsPerViewer = t.receiving == 0 ? 0 : ppsSum / t.receiving;
        t.jitterMean = t.receiving == 0 ? 0 : t.jitterMean / t.receiving;
        t.idrMean = idrs == 0 ? -1 : t.idrMean / idrs;
        t.setupMean = setups == 0 ? -1 : t.setupMean / setups;
        return t;
    }

    /** Sums over viewers. */
    static final class Totals {
        int receiving;
        long packets;
        long bytes;
        long expected;
        long lost;
        long gaps;
        double ppsPerViewer;
        double jitterMean;
        double jitterMax;
        double idrMean;
        double idrMax;
        double setupMean;

        double lossPercent() {
            return expected == 0 ? 0 : 100.0 * lost / expected;
        }
    }
}
