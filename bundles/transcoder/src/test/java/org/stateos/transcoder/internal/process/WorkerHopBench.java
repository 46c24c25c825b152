package org.stateos.transcoder.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.stateos.transcoder.internal.Await;
import org.stateos.transcoder.internal.codec.AdtsFixture;
import org.stateos.transcoder.internal.codec.AudioCodec;
import org.stateos.transcoder.internal.codec.AudioSpecificConfig;
import org.stateos.transcoder.internal.codec.CodecFactory;
import org.stateos.transcoder.internal.codec.CodecListener;
import org.stateos.transcoder.internal.codec.LocalCodec;
import org.stateos.transcoder.internal.codec.OpusPacket;

/**
 * On-demand figure for the README, not a test: the latency the codec worker process adds, alternating in-process
 * and process runs in one JVM (the baseline in the same run). AAC units are submitted at real-time pace (one per
 * 1024/44100 s, as a live publisher delivers them) for {@code args[0]} seconds (default 20) per run; each Opus
 * packet's latency is the time from the submit of the AAC unit that completed it to the packet reaching the
 * listener. Prints p50/p95/p99/max per mode, the worker's CPU and RSS, and the load average. Run with the test
 * class path (command in the README).
 */
public final class WorkerHopBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("worker-hop-bench");
        AdtsFixture aac = AdtsFixture.sine(dir);   // 2 s, looped
        CodecWorker worker = CodecWorkerTest.newWorker(dir);
        worker.start();
        Await.until(() -> worker.info().state().equals("READY"), "the worker READY", java.time.Duration.ofSeconds(30));
        System.out.printf("load before: %s", Files.readString(Path.of("/proc/loadavg")));
        for (int round = 1; round <= rounds; round++) {
            run("in-process", LocalCodec.FACTORY, aac, seconds, round);
            long cpu0 = worker.info().cpuMillis();
            run("process", worker, aac, seconds, round);
            WorkerInfo w = worker.info();
            System.out.printf("  worker: %d ms CPU over the run (%.2f%% of a core), RSS %d MB%n", w.cpuMillis() - cpu0,
                    100.0 * (w.cpuMillis() - cpu0) / (seconds * 1000.0), w.rssKb() / 1024);
        }
        System.out.printf("load after: %s", Files.readString(Path.of("/proc/loadavg")));
        worker.close();
    }

    static void run(String label, CodecFactory factory, AdtsFixture aac, int seconds, int round) throws Exception {
        Map<Long, Long> submitted = new ConcurrentHashMap<>();   // source ingest -> nanoTime of the submit
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        int units = (int) (seconds * aac.sampleRate() / 1024.0);
        CountDownLatch done = new CountDownLatch(1);
        CodecListener listener = new CodecListener() {
            @Override
            public void packet(OpusPacket packet, long sourceIngestMicros) {
                long now = System.nanoTime();
                Long at = submitted.get(sourceIngestMicros);
                if (at != null) {
                    latencies.add(now - at);
                }
                if (sourceIngestMicros == units - 1) {
                    done.countDown();
                }
            }

            @Override
            public void unitFailed(int consecutive, String message) {
            }

            @Override
            public void failed(String message) {
                System.out.println(label + " failed: " + message);
            }

            @Override
            public void restarted() {
            }
        };
        long period = 1024L * 1_000_000_000L / aac.sampleRate();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long cpu;
        try (AudioCodec codec = factory.open(AudioSpecificConfig.parse(aac.config()), aac.config(), 64_000, listener)) {
            long start = System.nanoTime();
            for (int i = 0; i < units; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                submitted.put((long) i, System.nanoTime());   // the unit's index as its "ingest time": a unique key
                long pts = (long) i * 1024 * 90_000 / aac.sampleRate();
                codec.submit(aac.units().get(i % aac.units().size()), pts, i);
            }
            cpu = threads.getCurrentThreadCpuTime() - cpu0;
            done.await(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        long[] l;
        synchronized (latencies) {
            l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.printf("%-10s round %d: %d packets, AAC submit -> Opus at the listener: p50 %.3f ms, p95 %.3f ms,"
                + " p99 %.3f ms, max %.3f ms; the submitting thread's CPU %d ms (%.2f%% of a core)%n", label, round, l.length,
                pct(l, 50), pct(l, 95), pct(l, 99), pct(l, 100), cpu / 1_000_000, 100.0 * cpu / 1e9 / seconds);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

}
