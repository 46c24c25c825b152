package org.stateos.loadclient;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One load run: opens the viewers {@code rampMillis} apart on the setup threads, holds them for {@code seconds}
 * after the last one was opened, stops the reactors, collects the figures and ends every session.
 */
public final class LoadRun {
    /** What to run. */
    public record Options(URI url, int viewers, double seconds, int reactors, int setupThreads, int rampMillis,
            double warmupSeconds, int janusMountpoint, double awaitConnectedSeconds) {
        /** WHEP at {@code url}, the default warm-up: 2 s, at most a quarter of the hold. */
        public Options(URI url, int viewers, double seconds, int reactors, int setupThreads, int rampMillis) {
            this(url, viewers, seconds, reactors, setupThreads, rampMillis, Math.min(2, seconds / 4), -1, 0);
        }

        /** Janus's HTTP API at {@code url} (its streaming plugin's mountpoint) instead of WHEP. */
        public boolean janus() {
            return janusMountpoint >= 0;
        }
    }

    public static final String STEADY_START = "load-client: steady window start";
    public static final String STEADY_END = "load-client: steady window end";

    private LoadRun() {
    }

    /**
     * Waits until no viewer is still setting up (each CONNECTED, FAILED or CLOSED) or {@code seconds} pass, so the
     * steady window measures viewers that are all receiving: on a loaded box hundreds of DTLS handshakes take a
     * while. 0: do not wait.
     */
    static void awaitSetups(List<Viewer> viewers, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            long pending = viewers.stream().filter(v -> v.state() == Viewer.State.NEW || v.state() == Viewer.State.CHECKING
                    || v.state() == Viewer.State.HANDSHAKE).count();
            if (pending == 0) {
                return;
            }
            Thread.sleep(100);
        }
        if (seconds > 0) {
            System.err.println("load-client: viewers still setting up after " + seconds + " s");
        }
    }

    public static Report run(Options o) throws Exception {
        return run(o, null);
    }

    /** As {@link #run(Options)}; with {@code glass} non-null, every viewer reads the publisher's stamps into it. */
    public static Report run(Options o, org.stateos.loadclient.latency.GlassLatency glass) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        SecureRandom random = new SecureRandom();
        BcTlsCrypto crypto = DtlsClient.newCrypto();
        Signalling signalling = o.janus() ? new JanusSignalling(o.url(), o.janusMountpoint()) : new WhepSignalling(o.url());
        List<Reactor> reactors = new ArrayList<>();
        for (int i = 0; i < o.reactors(); i++) {
            Reactor r = new Reactor(i);
            r.start();
            reactors.add(r);
        }
        ExecutorService setup = Executors.newFixedThreadPool(o.setupThreads(), r -> {
            Thread t = new Thread(r, "load-setup");
            t.setDaemon(true);
            return t;
        });
        List<Viewer> viewers = new ArrayList<>();
        try {
            for (int i = 0; i < o.viewers(); i++) {
                Viewer v = new Viewer(i, random, crypto);
                if (glass != null) {
                    v.readStamps(glass.reader(i));
                }
                viewers.add(v);
                Reactor r = reactors.get(i % reactors.size());
                setup.execute(() -> v.open(signalling, r, setup));
                if (o.rampMillis() > 0 && i + 1 < o.viewers()) {
                    Thread.sleep(o.rampMillis());
                }
            }
            awaitSetups(viewers, o.awaitConnectedSeconds());
            long holdNanos = (long) (o.seconds() * 1e9);
            long warmup = Math.min((long) (o.warmupSeconds() * 1e9), holdNanos / 2);
            Thread.sleep(warmup / 1_000_000L);
            long steadyStart = System.nanoTime();
            long steadyCpuStart = os.getProcessCpuTime();
            // Markers on stderr let a driver (itests/fanout-bench) measure the server over the same window.
            System.err.println(STEADY_START);
            System.err.flush();
            Thread.sleep((holdNanos - warmup) / 1_000_000L);
            long stop = System.nanoTime();
            long steadyCpu = os.getProcessCpuTime() - steadyCpuStart;
            System.err.println(STEADY_END);
            System.err.flush();
            double reactorCpu = 0;
            for (Reactor r : reactors) {
                r.stop();
                reactorCpu += r.cpuNanos() / 1e9;
            }
            List<ViewerResult> results = new ArrayList<>();
            for (Viewer v : viewers) {
                results.add(v.result(stop));
            }
            double processCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
            double steadySeconds = (stop - steadyStart) / 1e9;
            return new Report(o.url().toString(), o.viewers(), o.seconds(), results, processCpu,
                    steadyCpu / 1e9 / steadySeconds, steadySeconds, reactorCpu, reactors.size());
        } finally {
            for (Reactor r : reactors) {
                r.stop();
            }
            // Teardown on its own threads: DTLS close_notify + DELETE per viewer is slow on a loaded box, and a
            // slow teardown must not cost the report (it is logged, not thrown).
            ExecutorService closers = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "load-close");
                t.setDaemon(true);
                return t;
            });
            List<CompletableFuture<Integer>> closing = new ArrayList<>();
            for (Viewer v : viewers) {
                closing.add(CompletableFuture.supplyAsync(() -> v.close(signalling), closers));
            }
            try {
                CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                System.err.println("load-client: teardown of " + viewers.size() + " viewers took over 120 s");
            }
            closers.shutdownNow();
            setup.shutdownNow();
            if (signalling instanceof AutoCloseable c) {
                c.close();
            }
        }
    }
}
