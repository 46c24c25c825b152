package org.stateos.fanoutbench;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ramps one target through the viewer counts until a step fails the criteria: every step is a fresh load-client
 * run (viewers opened {@code rampMs} apart, a warm-up, then the steady window), the server's CPU sampled at the
 * client's window markers.
 */
final class Ramp {
    /** How far above the 0-viewer CPU (fraction of a core) a server counts as settled between steps. */
    private static final double SETTLED_MARGIN = 0.05;

    private final Options o;
    private final Path work;

    Ramp(Options o, Path work) {
        this.o = o;
        this.work = work;
    }

    /** The baseline's CPU without its JIT compiler and transcoder threads (fraction of a core); NaN before one. */
    private double baselineRest = Double.NaN;

    /** Server CPU at 0 viewers with the stream published: a fraction of one core over {@code seconds}. */
    double baseline(Target t, double seconds) throws InterruptedException {
        ProcCpu.Threads th0 = ProcCpu.threads(t.pid());
        double cpu0 = ProcCpu.processSeconds(t.pid());
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        double cpu1 = ProcCpu.processSeconds(t.pid());
        ProcCpu.Threads th = ProcCpu.threads(t.pid()).minus(th0);
        double window = (System.nanoTime() - t0) / 1e9;
        double total = (cpu1 - cpu0) / window;
        baselineRest = total - (th.transcoderSeconds() + th.jitSeconds()) / window;
        return total;
    }

    /** The target's CPU over a window of {@code seconds}, as a fraction of one core. */
    private static double cpuRate(Target t, double seconds) throws InterruptedException {
        double cpu0 = ProcCpu.processSeconds(t.pid());
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        double cpu1 = ProcCpu.processSeconds(t.pid());
        return (cpu1 - cpu0) / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Waits until the server is back near its 0-viewer CPU (the previous step's sessions reclaimed) before the
     * next step, instead of a fixed pause; after 15 s the next step starts anyway, with a note.
     */
    private static void settle(Target t, double baseline) throws InterruptedException {
        try {
            Wait.until("the server's CPU back near its baseline", Duration.ofSeconds(15),
                    () -> {
                        try {
                            return cpuRate(t, 0.5) < baseline + SETTLED_MARGIN;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return true;
                        }
                    });
        } catch (IllegalStateException e) {
            System.err.println("note: " + e.getMessage() + "; starting the next step anyway");
        }
    }

    List<Step> run(Target t, double baseline, List<Integer> counts) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (int n : counts) {
            Step s = step(t, n, baseline);
            steps.add(s);
            System.err.println(Report.row(s));
            if (!s.passed() && !o.keepGoing()) {
                break;
            }
            settle(t, baseline);
        }
        return steps;
    }

    private Step step(Target t, int n, double baseline) throws Exception {
        long pid = t.pid();
        double[] server = new double[2];
        long[] at = new long[2];
        ProcCpu.CoreTimes[] core0 = new ProcCpu.CoreTimes[2];
        ProcCpu.CoreTimes[] core1 = new ProcCpu.CoreTimes[2];
        ProcCpu.Threads[] threads = new ProcCpu.Threads[2];
        boolean split = t instanceof EsrTarget && !Double.isNaN(baselineRest);
        @SuppressWarnings("unchecked")
        Optional<Target.Latency>[] latency = new Optional[] {Optional.empty()};
        List<String> args = new ArrayList<>(t.clientArgs());
        args.addAll(List.of("--viewers", Integer.toString(n), "--seconds", Double.toString(o.seconds() + o.warmup()),
                "--warmup-seconds", Double.toString(o.warmup()), "--ramp-ms", Integer.toString(o.rampMs()),
                "--setup-threads", Integer.toString(o.setupThreads()), "--await-connected-seconds", Double.toString(o.awaitConnected())));
        JsonObject r = LoadClientRun.run(o.clientJar(), o.clientCore(), args, new LoadClientRun.Window() {
            @Override
            public void start() {
                if (n == o.jfrAt() && t instanceof EsrTarget) {
                    Profiler.start(pid, o.clientCore(), o.seconds(), work.resolve(t.name() + "-" + n + ".jfr"));
                }
                threads[0] = split ? ProcCpu.threads(pid) : null;
                server[0] = ProcCpu.processSeconds(pid);
                core0[0] = ProcCpu.core(o.serverCore());
                core1[0] = ProcCpu.core(o.clientCore());
                at[0] = System.nanoTime();
            }

            @Override
            public void end() {
                server[1] = ProcCpu.processSeconds(pid);
                threads[1] = split ? ProcCpu.threads(pid) : null;
                core0[1] = ProcCpu.core(o.serverCore());
                core1[1] = ProcCpu.core(o.clientCore());
                at[1] = System.nanoTime();
                latency[0] = t.latency();
            }
        }, work.resolve(t.name() + "-" + n + ".log"),
                o.seconds() + o.warmup() + o.awaitConnected() + n * o.rampMs() / 1000.0 + 240);
        boolean alive = t.isAlive();
        if (r == null || at[1] == 0) {
            return new Step(t.name(), n, 0, 100, 0, 0, 0, null, 0, 0, baseline, 0, 0, 0, 0, 0, 0, null, null, 0, 0,
                    "load client produced no report (see " + t.name() + "-" + n + ".log)", null);
        }
        JsonObject total = r.getAsJsonObject("total");
        JsonObject client = r.getAsJsonObject("client_cpu");
        int receiving = total.get("receiving").getAsInt();
        double loss = total.get("video_loss_percent").getAsDouble();
        double window = (at[1] - at[0]) / 1e9;
        double serverCore = (server[1] - server[0]) / window;
        Step.Split threadSplit = null;
        if (split && receiving > 0) {
            ProcCpu.Threads th = threads[1].minus(threads[0]);
            double transcoder = th.transcoderSeconds() / window;
            double jit = th.jitSeconds() / window;
            threadSplit = new Step.Split(transcoder, jit, (serverCore - transcoder - jit - baselineRest) / receiving);
        }
        ProcCpu.CoreTimes c0 = core0[1].minus(core0[0]);
        ProcCpu.CoreTimes c1 = core1[1].minus(core1[0]);
        double clientCore = client.get("steady_core_fraction").getAsDouble();
        String profile = null;
        for (var v : r.getAsJsonArray("viewers")) {
            var srtp = v.getAsJsonObject().get("srtp");
            if (srtp != null && !srtp.isJsonNull()) {
                profile = srtp.getAsString();
                break;
            }
        }
        Double p50 = latency[0].map(l -> l.p50Micros() / 1000).orElse(null);
        Double p99 = latency[0].map(l -> l.p99Micros() / 1000).orElse(null);
        String failure = Step.judge(n, receiving, loss, p99, alive, o.maxLossPercent(), o.maxP99Ms());
        return new Step(t.name(), n, receiving, loss, total.get("video_lost").getAsLong(),
                total.get("video_expected").getAsLong(), total.get("packets_per_s_per_viewer").getAsDouble(), profile,
                window, serverCore, baseline, receiving == 0 ? 0 : (serverCore - baseline) / receiving,
                c0.totalSeconds() > 0 ? c0.busySeconds() / c0.totalSeconds() : 0,
                c0.totalSeconds() > 0 ? c0.softirqSeconds() / c0.totalSeconds() : 0,
                c1.totalSeconds() > 0 ? c1.busySeconds() / c1.totalSeconds() : 0, clientCore,
                receiving == 0 ? 0 : clientCore / receiving, p50, p99,
                total.get("keyframe_wait_ms_mean").getAsDouble(), total.get("setup_ms_mean").getAsDouble(), failure, threadSplit);
    }
}
