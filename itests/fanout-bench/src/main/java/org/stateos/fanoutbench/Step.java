package org.stateos.fanoutbench;

/**
 * One ramp step's figures. CPU figures are fractions of one core: {@code serverCore} is the server process's
 * utime + stime over the client's steady window divided by the window, {@code serverPerViewer} is that minus the
 * 0-viewer baseline (ingest, timers, the publisher's stream alone), divided by the viewers receiving.
 */
public record Step(String target, int viewers, int receiving, double lossPercent, long videoLost, long videoExpected,
        double packetsPerSecondPerViewer, String srtpProfile, double windowSeconds, double serverCore,
        double baselineCore, double serverPerViewer, double core0Busy, double core0Softirq, double core1Busy,
        double clientCore, double clientPerViewer, Double p50Ms, Double p99Ms, double keyframeWaitMeanMs,
        double setupMeanMs, String failure) {

    public boolean passed() {
        return failure == null;
    }

    /** Server CPU microseconds per viewer per second of stream. */
    public double serverMicrosPerViewerSecond() {
        return serverPerViewer * 1e6;
    }

    /** Server CPU microseconds per packet sent (per viewer per second ÷ packets per viewer per second). */
    public double serverMicrosPerPacket() {
        return packetsPerSecondPerViewer <= 0 ? Double.NaN : serverMicrosPerViewerSecond() / packetsPerSecondPerViewer;
    }

    /** Loss below the limit, every viewer receiving, p99 (when known) under the limit: else why not. */
    static String judge(int viewers, int receiving, double lossPercent, Double p99Ms, boolean alive,
            double maxLossPercent, double maxP99Ms) {
        if (!alive) {
            return "server or publisher died";
        }
        if (receiving < viewers) {
            return (viewers - receiving) + " of " + viewers + " viewers received nothing";
        }
        if (!(lossPercent < maxLossPercent)) {
            return String.format(java.util.Locale.ROOT, "loss %.3f %% >= %.1f %%", lossPercent, maxLossPercent);
        }
        if (p99Ms != null && !(p99Ms < maxP99Ms)) {
            return String.format(java.util.Locale.ROOT, "p99 latency %.1f ms >= %.0f ms", p99Ms, maxP99Ms);
        }
        return null;
    }
}
