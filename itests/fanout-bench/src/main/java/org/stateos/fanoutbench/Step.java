package org.stateos.fanoutbench;

/**
 * One ramp step's figures. CPU figures are fractions of one core: {@code serverCore} is the server process's
 * utime + stime over the client's steady window divided by the window, {@code serverPerViewer} is that minus the
 * 0-viewer baseline (ingest, timers, the publisher's stream alone), divided by the viewers receiving; {@link Split}
 * says how much of it is the transcoder and the JIT, and what one more viewer costs without them.
 */
public record Step(String target, int viewers, int receiving, double lossPercent, long videoLost, long videoExpected,
        double packetsPerSecondPerViewer, String srtpProfile, double windowSeconds, double serverCore,
        double baselineCore, double serverPerViewer, double core0Busy, double core0Softirq, double core1Busy,
        double clientCore, double clientPerViewer, Double p50Ms, Double p99Ms, double keyframeWaitMeanMs,
        double setupMeanMs, String failure, Split split) {

    /**
     * The step's server CPU (fractions of a core) spent by the transcoder's threads (AAC to Opus: one per stream,
     * started by the first viewer, so the 0-viewer baseline does not hold it) and by the JIT compilers (warm-up,
     * not a steady cost), and the <b>marginal cost per viewer</b>: the rest minus the baseline's rest, per viewer
     * receiving. Null when not measured (Janus: one process, no such threads).
     */
    public record Split(double transcoderCore, double jitCore, double marginalPerViewer) {
    }

    /** Server CPU without the transcoder and the JIT (fraction of a core), NaN when not measured. */
    public double restCore() {
        return split == null ? Double.NaN : serverCore - split.transcoderCore() - split.jitCore();
    }

    /**
     * The slope between two steps: what each viewer added from {@code a} to {@code b} (fraction of a core per
     * viewer), from the CPU without the transcoder and the JIT. No baseline enters it, so neither the 0-viewer
     * window's noise nor a fixed per-stream cost does. NaN when either step lacks the split or nobody was added.
     */
    public static double slopePerViewer(Step a, Step b) {
        int added = b.receiving - a.receiving;
        return added <= 0 ? Double.NaN : (b.restCore() - a.restCore()) / added;
    }

    /** Marginal server CPU microseconds per packet (transcoder and JIT left out), NaN when not measured. */
    public double marginalMicrosPerPacket() {
        return split == null || packetsPerSecondPerViewer <= 0 ? Double.NaN
                : split.marginalPerViewer() * 1e6 / packetsPerSecondPerViewer;
    }

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
