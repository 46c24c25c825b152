package org.stateos.store.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.nio.file.ExtendedOpenOption;

import org.stateos.store.internal.log.FileBlockDevice;
import org.stateos.api.sched.RealtimeScheduling;
import org.stateos.store.internal.log.LogConfig;
import org.stateos.store.internal.log.LogStats;
import org.stateos.store.internal.log.LogStructuredLog;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.RecordView;

/**
 * The store benchmark: in one run, on one file, measures
 * <ol>
 *   <li>the store's durable put throughput (256 KiB units, several writer threads, each put awaited) and its
 *       random get throughput (random keys of what was written, several reader threads), while counting the
 *       store's own write pattern on the device: mean write size and writes per fdatasync;</li>
 *   <li>the raw device with fio and O_DIRECT: a sequential write with that write size, one job (the store has one
 *       writer thread) at queue depth 1 (it writes with pwrite), fdatasync every that many writes; and a random
 *       256 KiB read with as many jobs as the store had reader threads;</li>
 *   <li>the naive alternative: one file per unit on the same file system, each written and fsync'd, and random
 *       reads of those files (O_DIRECT, so no page cache flatters it).</li>
 * </ol>
 * Each figure is the median of {@code --runs} runs (3). It prints MB/s (10^6 bytes/s) and the ratios.
 */
public final class StoreBench {
    static final byte KIND = 1;

    private final Path file;
    private final long fileBytes;
    private final Path unitDir;
    private final int unitBytes;
    private final int writers;
    private final int readers;
    private final int runs;
    private final int seconds;
    private final long writeBytes;
    private final boolean keep;
    private final boolean copyGets;
    /** --unit-get: which of the service's reads the get phase of --api=units measures. */
    enum UnitGet {
        /** UnitStore.get, the reader thread blocking on each: the store's read threads read, the reader is woken. */
        GET("UnitStore.get: read threads, CRC32C, one copy"),
        /** UnitStore.read on the reader's own thread. */
        READ("UnitStore.read: on the reader's thread, CRC32C, one copy"),
        /**
         * UnitStore.get as an asynchronous caller uses it, each reader's next get issued from the previous one's
         * completion (on the store's read thread), one in flight per reader; the reader thread only waits for its
         * chain to end with the slice.
         */
        CHAIN("UnitStore.get chained: each next get from the last one's completion, CRC32C, one copy"),
        /** UnitStore.readView on the reader's own thread: the unit parsed in the engine's read buffer, no copy. */
        VIEW("UnitStore.readView: on the reader's thread, CRC32C, no copy"),
        /** As CHAIN with UnitStore.getView: the asynchronous read without the copy. */
        CHAIN_VIEW("UnitStore.getView chained: each next get from the last one's completion, CRC32C, no copy");

        final String description;

        UnitGet(String description) {
            this.description = description;
        }
    }

    private final UnitGet unitGet;
    /** Measure through the store's service (UnitStore: units, ids, the read threads) rather than its engine. */
    private final boolean unitsApi;
    /** SCHED_FIFO priority of the log's threads, as the store component asks for it (log.realtime.priority). */
    private final int realtimePriority;
    /** Mean latency of one I/O of the last fio run (its lat_ns: submission to completion), microseconds. */
    private double fioLatencyMicros;
    /** The last store run's diagnostic line: plain Java preads in the get phase's rotation. */
    private String javaReadLine = "";
    private String fioProcLine = "";
    private double fioProcMBs;

    private StoreBench(Map<String, String> o) {
        file = Path.of(o.getOrDefault("file", "/var/tmp/stateos-store-bench.img"));
        fileBytes = parseSize(o.getOrDefault("size", "4G"));
        unitDir = Path.of(o.getOrDefault("unit-dir", file.toAbsolutePath().getParent().resolve("stateos-store-bench-units").toString()));
        unitBytes = (int) parseSize(o.getOrDefault("unit", "256K"));
        writers = Integer.parseInt(o.getOrDefault("writers", "4"));
        readers = Integer.parseInt(o.getOrDefault("readers", "4"));
        runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        seconds = Integer.parseInt(o.getOrDefault("seconds", "10"));
        // Write at most this much per put run, so the log never fills and the cleaner never runs.
        writeBytes = parseSize(o.getOrDefault("write", Long.toString(fileBytes / 2)));
        keep = Boolean.parseBoolean(o.getOrDefault("keep", "false"));
        // view: RecordLog.readView (the value stays in the engine's read buffer); copy: RecordLog.read (into a heap buffer)
        copyGets = switch (o.getOrDefault("get", "view")) {
            case "view" -> false;
            case "copy" -> true;
            default -> throw new IllegalArgumentException("--get=view|copy");
        };
        try {
            unitGet = UnitGet.valueOf(o.getOrDefault("unit-get", "get").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--unit-get=get|read|chain|view|chain-view");
        }
        unitsApi = switch (o.getOrDefault("api", "engine")) {
            case "units" -> true;
            case "engine" -> false;
            default -> throw new IllegalArgumentException("--api=units|engine");
        };
        // The store's default (etc/org.stateos.store.cfg); --realtime=0 measures the normal policy.
        realtimePriority = RealtimeScheduling.priorityFor(Integer.parseInt(o.getOrDefault("realtime", "5")),
                Runtime.getRuntime().availableProcessors());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: run.sh [--file=/var/tmp/stateos-store-bench.img] [--size=4G] [--unit-dir=DIR]"
                        + " [--unit=256K] [--writers=4] [--readers=4] [--runs=3] [--seconds=10] [--write=BYTES] [--api=engine|units] [--get=view|copy] [--unit-get=get|read|chain|view|chain-view] [--realtime=5] [--keep=true]");
                return;
            }
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + a);
            }
            o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        new StoreBench(o).run();
    }

    private void run() throws Exception {
        FileStore fs = Files.getFileStore(file.toAbsolutePath().getParent());
        System.out.printf(Locale.ROOT, "StateOS store benchmark: %s (%d MiB on %s %s), %d KiB units, %d writers, %d readers,"
                + " median of %d runs, %d s per timed phase%n", file, fileBytes >> 20, fs.type(), fs.name(), unitBytes >> 10,
                writers, readers, runs, seconds);
        System.out.println(realtimePriority > 0
                ? "the store's log threads ask for SCHED_FIFO " + realtimePriority + " (the store's default; --realtime=0: normal policy)"
                : "the store's log threads run at the normal policy (--realtime=0, or a single processor)");
        System.out.println(unitsApi
                ? "measured through the store's service (UnitStore): each put builds a unit and hashes it for its id"
                        + " (SHA-256), each get runs on the store's read threads and copies the unit out; cache off"
                : "measured on the store's engine (RecordLog): 32-byte counter keys, no unit encoding, no hashing");
        if (!Files.exists(file)) {
            System.out.printf("creating and zero-filling %s (%d MiB)...%n", file, fileBytes >> 20);
        }
        // Store, fio and file-per-unit runs are interleaved (store 1, fio 1, files 1, store 2, ...): on a shared
        // machine the load changes from minute to minute, and each run's ratio then compares figures taken under
        // about the same load. The ratios printed are the medians of the per-run ratios.
        List<StoreRun> storeRuns = new ArrayList<>();
        List<Double> fioWrite = new ArrayList<>();
        List<Double> fioWriteHashing = new ArrayList<>();
        List<Double> fioRead = new ArrayList<>();
        List<Double> fioReadProc = new ArrayList<>();
        List<double[]> unitRuns = new ArrayList<>();
        List<double[]> ratios = new ArrayList<>();
        long bs = 0;
        int fdatasync = 0;
        boolean direct = true;
        cpuRates();
        // The JIT compiles the store's hot paths during the first seconds of the JVM; fio is native code. One
        // short store run (2 s put, 2 s get, 256 MiB at most) before the timed runs, not counted.
        StoreRun warm = storeRun(2, Math.min(writeBytes, 256L << 20), false);
        System.out.printf(Locale.ROOT, "  warm-up (JIT, not counted): put %.0f MB/s, get %.0f MB/s%n", warm.putMBs, warm.getMBs);
        for (int r = 0; r < runs; r++) {
            StoreRun sr = storeRun();
            storeRuns.add(sr);
            System.out.printf(Locale.ROOT, "  run %d: load %s%n", r + 1, loadAverage());
            System.out.printf(Locale.ROOT, "    store: put %.0f MB/s, get %.0f MB/s (%s; mean write %d KiB, %.2f writes"
                    + " per fdatasync, %.1f records per batch)%n", sr.putMBs, sr.getMBs, sr.ioMode, sr.meanWriteBytes >> 10,
                    sr.writesPerForce, sr.meanBatchRecords);
            System.out.printf(Locale.ROOT, "    store: put phase %.0f%% in write or fdatasync, I/O thread waiting for a batch %.0f%%,"
                    + " acknowledging %.0f%%; process CPU %.2f cores during put, %.2f during get%n", 100 * sr.putDeviceBusy,
                    100 * sr.putIoIdle, 100 * sr.putIoAck, sr.putCpu, sr.getCpu);
            System.out.printf(Locale.ROOT, "    store: a get takes %.0f us per reader, %.0f us of it inside the device read"
                    + " (%.2f blocks of 4 KiB per read), %.0f us outside it; %d device writes during gets%n", sr.getMicros,
                    sr.readMicros, sr.readBlocks, sr.getMicros - sr.readMicros, sr.getPhaseWrites);
            direct = sr.direct;
            bs = Math.max(4096, (sr.meanWriteBytes + 4095) / 4096 * 4096);
            fdatasync = Math.max(1, (int) Math.round(sr.writesPerForce));
            List<String> writeArgs = List.of("--rw=write", "--bs=" + bs, "--numjobs=1", "--iodepth=1",
                    "--fdatasync=" + fdatasync, "--size=" + writeBytes, "--time_based", "--runtime=" + seconds);
            double w = fio("write", writeArgs, direct);
            double rd = sr.fioReadMBs;
            double rdMicros = sr.fioReadMicros;
            double wHashing = Double.NaN;
            double hashRate = Double.NaN;
            if (unitsApi) {
                // The same fio write with the put's own CPU work beside it: the units' SHA-256 at the rate this run's
                // puts reached, on as many threads as writers. Not the goal's baseline: the reason for the gap.
                try (HashLoad load = HashLoad.start(writers, sr.putMBs)) {
                    wHashing = fio("write", writeArgs, direct);
                    hashRate = load.megabytesPerSecond();
                }
                fioWriteHashing.add(wHashing);
            }
            fioWrite.add(w);
            fioRead.add(rd);
            System.out.printf(Locale.ROOT, "    fio: seq write %.0f MB/s (bs %d KiB, fdatasync/%d), rand read %.0f MB/s"
                    + " (%.0f us per read; in 1 s slices rotating with the store's get slices)%n", w, bs >> 10, fdatasync, rd, rdMicros);
            if (unitsApi) {
                System.out.printf(Locale.ROOT, "    fio: the same seq write with the units' SHA-256 beside it (%d threads hashing"
                        + " %.0f MB/s, this run's put rate): %.0f MB/s; store put / that %.2f%n", writers, hashRate, wHashing,
                        sr.putMBs / wHashing);
            }
            System.out.println(fioProcLine);
            System.out.println(javaReadLine);
            fioReadProc.add(fioProcMBs);
            double[] fr = {sr.filePutMBs, sr.fileGetMBs};
            unitRuns.add(fr);
            System.out.printf(Locale.ROOT, "    file-per-unit: put %.0f MB/s (after the store's put), get %.0f MB/s (in the rotation)%n", fr[0], fr[1]);
            ratios.add(new double[] {sr.putMBs / w, sr.getMBs / rd, sr.putMBs / fr[0], sr.getMBs / fr[1], sr.getMBs / fioProcMBs});
            System.out.printf(Locale.ROOT, "    ratios: put/raw %.2f, get/raw %.2f (get / fio with one process per job %.2f)%n",
                    sr.putMBs / w, sr.getMBs / rd, sr.getMBs / fioProcMBs);
        }
        double putMBs = median(storeRuns.stream().mapToDouble(s -> s.putMBs).toArray());
        double getMBs = median(storeRuns.stream().mapToDouble(s -> s.getMBs).toArray());
        StoreRun pattern = storeRuns.get(storeRuns.size() - 1);
        double rawWrite = median(fioWrite.stream().mapToDouble(Double::doubleValue).toArray());
        double rawRead = median(fioRead.stream().mapToDouble(Double::doubleValue).toArray());
        double fileWrite = median(unitRuns.stream().mapToDouble(x -> x[0]).toArray());
        double fileRead = median(unitRuns.stream().mapToDouble(x -> x[1]).toArray());

        System.out.println();
        System.out.printf("I/O mode: store %s; fio %s%n", pattern.ioMode, direct ? "--direct=1 (O_DIRECT)" : "--direct=0 (O_DIRECT refused here)");
        System.out.printf(Locale.ROOT, "store write pattern: mean write %d bytes, %.2f writes per fdatasync -> fio --bs=%d --fdatasync=%d%n",
                pattern.meanWriteBytes, pattern.writesPerForce, bs, fdatasync);
        System.out.printf("%-58s %10s%n", "figure (median of " + runs + ")", "MB/s");
        row("raw seq write (fio, bs " + (bs >> 10) + " KiB, 1 job, QD1, fdatasync/" + fdatasync + ")", rawWrite);
        row("raw random read (fio, 256 KiB, " + readers + " jobs, QD1)", rawRead);
        row("  the same, one process per job (own sessions)", median(fioReadProc.stream().mapToDouble(Double::doubleValue).toArray()));
        row("store put (256 KiB units, " + writers + " writers, each awaited)", putMBs);
        row("store get (random keys, " + readers + " readers, " + getPath() + ")", getMBs);
        row(unitsApi ? "file-per-unit put (unit built, file named by its SHA-256 id, write + fsync, " + writers + " writers)"
                : "file-per-unit put (write + fsync, " + writers + " writers)", fileWrite);
        row(unitsApi ? "file-per-unit get (O_DIRECT, unit decoded into its array, " + readers + " readers)"
                : "file-per-unit get (O_DIRECT, " + readers + " readers)", fileRead);
        System.out.println();
        System.out.printf("ratios: median of the %d per-run ratios (each run's figures taken back to back)%n", runs);
        System.out.printf(Locale.ROOT, "ratio store put / raw seq write      %.2f  (goal >= 0.85)%n", medianOf(ratios, 0));
        if (unitsApi) {
            double[] beside = new double[storeRuns.size()];
            for (int i = 0; i < beside.length; i++) {
                beside[i] = storeRuns.get(i).putMBs / fioWriteHashing.get(i);
            }
            System.out.printf(Locale.ROOT, "  (put against fio with the units' hashing beside it, not the goal's baseline: %.2f;"
                    + " that fio: %.0f MB/s)%n", median(beside),
                    median(fioWriteHashing.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        System.out.printf(Locale.ROOT, "ratio store get / raw random read    %.2f  (goal >= 0.85)%n", medianOf(ratios, 1));
        System.out.printf(Locale.ROOT, "  (against fio with one process per job, each in its own session: %.2f)%n", medianOf(ratios, 4));
        System.out.printf(Locale.ROOT, "ratio store put / file-per-unit put  %.2f%n", medianOf(ratios, 2));
        System.out.printf(Locale.ROOT, "ratio store get / file-per-unit get  %.2f%n", medianOf(ratios, 3));
        System.out.printf("load average at the end: %s%n", loadAverage());

        if (!keep) {
            Files.deleteIfExists(file);
        }
    }

    /**
     * What one core does per second here, on 256 KiB values spread over 128 MiB (so memory, not cache, feeds
     * it, as after a device read): CRC32C of a direct buffer (the engine's check of every record), a copy into a
     * fresh heap buffer (what read() adds to readView()), SHA-256 (what the unit store adds per put and get).
     */
    private void cpuRates() {
        int n = unitBytes;
        int count = Math.max(8, (128 << 20) / n);
        ByteBuffer[] direct = new ByteBuffer[count];
        byte[][] heap = new byte[count][];
        ByteBuffer[] pool = valuePool();
        for (int i = 0; i < count; i++) {
            direct[i] = ByteBuffer.allocateDirect(n);
            direct[i].put(pool[i % pool.length].duplicate()).flip();
            heap[i] = new byte[n];
            pool[i % pool.length].duplicate().get(heap[i]);
        }
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        double[] best = new double[3];
        long sink = 0;
        for (int round = 0; round < 3; round++) { // the best of 3 half-second rounds: the first ones warm the JIT
            for (int what = 0; what < 3; what++) {
                long t0 = System.nanoTime();
                long bytes = 0;
                int j = 0;
                while (System.nanoTime() - t0 < 500_000_000L) {
                    int k = j++ % count;
                    switch (what) {
                        case 0 -> {
                            java.util.zip.CRC32C c = new java.util.zip.CRC32C();
                            c.update(direct[k].duplicate());
                            sink += c.getValue();
                        }
                        case 1 -> {
                            ByteBuffer out = ByteBuffer.allocate(n);
                            out.put(direct[k].duplicate());
                            sink += out.get(n - 1);
                        }
                        default -> sink += sha.digest(heap[k])[0];
                    }
                    bytes += n;
                }
                best[what] = Math.max(best[what], bytes / ((System.nanoTime() - t0) / 1e9) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "one core, 256 KiB values from memory: CRC32C (direct buffer) %.2f GB/s, copy into a"
                + " new heap buffer %.2f GB/s, SHA-256 %.2f GB/s (load %s)%s%n", best[0], best[1], best[2], loadAverage(),
                sink == 42 ? " " : "");
    }

    private static void row(String what, double mbs) {
        System.out.printf(Locale.ROOT, "%-58s %10.0f%n", what, mbs);
    }

    /** The store's figures of one run and its write pattern on the device. */
    private record StoreRun(double putMBs, double getMBs, long meanWriteBytes, double writesPerForce, double meanBatchRecords,
                            boolean direct, String ioMode, double putDeviceBusy, double putIoIdle, double putIoAck, double putCpu,
                            double getCpu, double getMicros, double readMicros, double readBlocks, double fioReadMBs,
                            double fioReadMicros, long getPhaseWrites, double filePutMBs, double fileGetMBs) { }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** CPU time of this process (all threads), nanoseconds: what the store spends per byte, fio's is in its output. */
    private static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    private StoreRun storeRun() throws Exception {
        return storeRun(seconds, writeBytes, true);
    }

    /**
     * One store run: a put phase of at most {@code secs} seconds and {@code budget} bytes, then a get phase of
     * {@code secs} in one-second slices, each followed by a one-second fio random read when {@code withFio}.
     */
    private StoreRun storeRun(int secs, long budget, boolean withFio) throws Exception {
        // Through the service, the engine is configured as the store configures it (unit metadata inline).
        LogConfig config = (unitsApi ? UnitApi.engineConfig() : LogConfig.defaults()).withRealtimePriority(realtimePriority);
        FileBlockDevice raw = FileBlockDevice.open(file, fileBytes);
        try (CountingDevice device = new CountingDevice(raw)) {
            LogStructuredLog.format(device, config, true);
            List<byte[]> keys;
            double putMBs;
            LogStats stats;
            String ioMode;
            try (RecordLog log = LogStructuredLog.open(device, config);
                 UnitApi api = unitsApi ? new UnitApi(log, file.toString(), raw.direct(), unitBytes) : null) {
                device.reset();
                ByteBuffer[] pool = valuePool();
                ConcurrentLinkedQueue<byte[]> written = new ConcurrentLinkedQueue<>();
                AtomicLong left = new AtomicLong(budget);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
                LongAdder bytes = new LongAdder();
                long idle0 = log instanceof LogStructuredLog l ? l.ioIdleNanos() : 0;
                long ack0 = log instanceof LogStructuredLog l ? l.ioAckNanos() : 0;
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                long run = runCounter++;
                runThreads(writers, "put", w -> {
                    SplittableRandom rnd = new SplittableRandom(w);
                    byte[] payload = api == null ? null : api.newPayload(bytesOf(pool[w % pool.length]));
                    long n = 0;
                    while (System.nanoTime() < deadline && left.addAndGet(-unitBytes) >= 0) {
                        byte[] key;
                        if (api != null) { // a distinct unit per put: (run, writer, n) stamped into its payload
                            key = api.put(payload, run << 48 | (long) w << 40 | n++);
                        } else {
                            key = key(w, n++);
                            log.append(KIND, key, pool[rnd.nextInt(pool.length)].duplicate()).join();
                        }
                        written.add(key);
                        bytes.add(unitBytes);
                    }
                });
                long putNanos = System.nanoTime() - t0;
                double putCpu = (cpuNanos() - c0) / (double) putNanos;
                double busy = (device.writeNanos.sum() + device.forceNanos.sum()) / (double) putNanos;
                double ioIdle = ((log instanceof LogStructuredLog l ? l.ioIdleNanos() : 0) - idle0) / (double) putNanos;
                double ioAck = ((log instanceof LogStructuredLog l ? l.ioAckNanos() : 0) - ack0) / (double) putNanos;
                putMBs = bytes.sum() / (putNanos / 1e9) / 1e6;
                long writes = device.writes.sum();
                long writeBytesDone = device.bytesWritten.sum();
                long forces = Math.max(1, device.forces.sum());
                stats = log.stats();
                ioMode = raw.ioMode();
                keys = new ArrayList<>(written);
                StoreRun partial = new StoreRun(putMBs, 0, writes == 0 ? 0 : writeBytesDone / writes, (double) writes / forces,
                        stats.meanBatchRecords(), stats.direct(), ioMode, busy, ioIdle, ioAck, putCpu, 0, 0, 0, 0, 0, 0, 0, 0, 0);

                // Random gets of what was written, in slices that alternate with fio's random read of the same
                // region (same block size, jobs and queue depth): this virtual disk's speed swings by 2x from one
                // few-second window to the next, so the two figures are taken in interleaved one-second windows
                // instead of one after the other.
                byte[][] keyArray = keys.toArray(byte[][]::new);
                // The file-per-unit alternative writes its files now, so that its gets too run in the rotation.
                double filePutMBs = Double.NaN;
                Path[] unitFiles = new Path[0];
                boolean fileDirect = true;
                if (withFio) {
                    List<Path> files = new ArrayList<>();
                    filePutMBs = filePerUnitPut(files);
                    unitFiles = files.toArray(Path[]::new);
                    fileDirect = directWorks(unitFiles[0]);
                }
                long fileGetNanos = 0;
                long fileGetBytes = 0;
                LongAdder read = new LongAdder();
                LongAdder gets = new LongAdder();
                device.reset();
                device.captured.set(0);
                device.capture = true;
                int slices = Math.max(1, secs);
                long sliceNanos = TimeUnit.SECONDS.toNanos(secs) / slices;
                long getNanos = 0;
                long getCpuNanos = 0;
                double fioBytes = 0;
                double fioSeconds = 0;
                double fioLatencySum = 0;
                double fioProcBytes = 0;
                double fioProcSeconds = 0;
                double fioProcLatencySum = 0;
                long javaReadNanos = 0;
                long javaReadBytes = 0;
                long javaReadLatency = 0;
                long javaReads = 0;
                int javaAlignedSlices = 0;
                int javaReplaySlices = 0;
                int javaSlot = 0;
                long crcNanos = 0;
                long crcBytes = 0;
                long crcLatency = 0;
                long crcReads = 0;
                LongAdder crcSink = new LongAdder();
                long replayNanos = 0;
                long replayBytes = 0;
                long replayLatency = 0;
                long replayReads = 0;
                SplittableRandom[] rnds = new SplittableRandom[readers];
                for (int r = 0; r < readers; r++) {
                    rnds[r] = new SplittableRandom(100 + r);
                }
                for (int slice = 0; slice < slices; slice++) {
                    // The order rotates from slice to slice, so no side always runs first after the put phase.
                    for (int step = 0; step < 5; step++) {
                        int which = (step + slice) % 5;
                        if (which == 0) {
                            long readDeadline = System.nanoTime() + sliceNanos;
                            long c1 = cpuNanos();
                            long t1 = System.nanoTime();
                            IntConsumer unitRead = size -> { // a unit of the service's gets: checked and counted
                                if (size != unitBytes) {
                                    throw new IllegalStateException("get returned a unit of " + size + " bytes");
                                }
                                read.add(size);
                                gets.increment();
                            };
                            runThreads(readers, "get", r -> {
                                SplittableRandom rnd = rnds[r];
                                if (api != null && (unitGet == UnitGet.CHAIN || unitGet == UnitGet.CHAIN_VIEW)) {
                                    api.chain(() -> keyArray[rnd.nextInt(keyArray.length)], readDeadline, unitRead,
                                            unitGet == UnitGet.CHAIN_VIEW).join();
                                    return;
                                }
                                while (System.nanoTime() < readDeadline) {
                                    byte[] key = keyArray[rnd.nextInt(keyArray.length)];
                                    if (api != null) {
                                        unitRead.accept(switch (unitGet) {
                                            case READ -> api.read(key);
                                            case VIEW -> api.view(key);
                                            default -> api.get(key);
                                        });
                                        continue; // counted
                                    }
                                    if (copyGets) {
                                        ByteBuffer v = log.read(KIND, key);
                                        if (v == null || v.remaining() != unitBytes) {
                                            throw new IllegalStateException("get returned " + v);
                                        }
                                        read.add(v.remaining());
                                    } else {
                                        try (RecordView v = log.readView(KIND, key)) { // CRC-checked like read(), no copy
                                            if (v == null || v.value().remaining() != unitBytes) {
                                                throw new IllegalStateException("get returned " + (v == null ? null : v.value()));
                                            }
                                            read.add(v.value().remaining());
                                        }
                                    }
                                    gets.increment();
                                }
                            });
                            getNanos += System.nanoTime() - t1;
                            getCpuNanos += cpuNanos() - c1;
                        } else if (which == 1 && withFio) {
                            // Diagnostic: the same threads reading 256 KiB at random 256 KiB-aligned offsets through the
                            // same FileBlockDevice, no store: separates the JVM's pread from the store's path.
                            LongAdder jb = new LongAdder();
                            LongAdder jn = new LongAdder();
                            LongAdder jns = new LongAdder();
                            long jDeadline = System.nanoTime() + sliceNanos;
                            long jt0 = System.nanoTime();
                            int nCaptured = Math.min(device.captured.get(), device.capturedPositions.length);
                            // Java slots cycle: 256 KiB aligned, the store's ranges, the store's ranges + CRC32C of each read.
                            int variant = nCaptured == 0 ? 0 : javaSlot++ % 3;
                            boolean replay = variant > 0;
                            boolean crc = variant == 2;
                            runThreads(readers, "java-read", r -> {
                                SplittableRandom rnd = new SplittableRandom(200 + r);
                                ByteBuffer b = ByteBuffer.allocateDirect(2 * unitBytes + 4096).alignedSlice(4096);
                                while (System.nanoTime() < jDeadline) {
                                    long off;
                                    int len;
                                    if (replay) { // the very ranges the store's gets read (65 blocks, 4 KiB-aligned)
                                        int i = rnd.nextInt(nCaptured);
                                        off = device.capturedPositions[i];
                                        len = device.capturedLengths[i];
                                    } else {
                                        off = rnd.nextLong(writeBytes / unitBytes) * unitBytes;
                                        len = unitBytes;
                                    }
                                    b.clear().limit(len);
                                    long q = System.nanoTime();
                                    int got = raw.read(b, off);
                                    jns.add(System.nanoTime() - q);
                                    jn.increment();
                                    jb.add(got);
                                    if (crc) { // the same CPU pass a get makes after its read
                                        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
                                        c.update(b.flip());
                                        crcSink.add(c.getValue());
                                    }
                                }
                            });
                            if (crc) {
                                crcNanos += System.nanoTime() - jt0;
                                crcBytes += jb.sum();
                                crcLatency += jns.sum();
                                crcReads += jn.sum();
                                continue;
                            }
                            if (replay) {
                                javaReplaySlices++;
                                replayNanos += System.nanoTime() - jt0;
                                replayBytes += jb.sum();
                                replayLatency += jns.sum();
                                replayReads += jn.sum();
                                continue;
                            }
                            javaAlignedSlices++;
                            javaReadNanos += System.nanoTime() - jt0;
                            javaReadBytes += jb.sum();
                            javaReadLatency += jns.sum();
                            javaReads += jn.sum();
                        } else if (which == 2 && withFio) {
                            int fioSecs = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(sliceNanos));
                            double mbs = fio("read", List.of("--rw=randread", "--bs=" + unitBytes, "--numjobs=" + readers,
                                    "--iodepth=1", "--size=" + writeBytes, "--time_based", "--runtime=" + fioSecs), stats.direct());
                            fioBytes += mbs * fioSecs;
                            fioSeconds += fioSecs;
                            fioLatencySum += fioLatencyMicros * fioSecs;
                        } else if (which == 3 && withFio) {
                            // fio as it ran before (one process per job, each in a session of its own): printed, not
                            // used in the ratios (see fio(...) for why).
                            int fioSecs = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(sliceNanos));
                            double mbs = fio("read", List.of("--rw=randread", "--bs=" + unitBytes, "--numjobs=" + readers,
                                    "--iodepth=1", "--size=" + writeBytes, "--time_based", "--runtime=" + fioSecs), stats.direct(), false);
                            fioProcBytes += mbs * fioSecs;
                            fioProcSeconds += fioSecs;
                            fioProcLatencySum += fioLatencyMicros * fioSecs;
                        } else if (which == 4 && withFio) {
                            long ft0 = System.nanoTime();
                            fileGetBytes += filePerUnitGets(unitFiles, fileDirect, sliceNanos, slice);
                            fileGetNanos += System.nanoTime() - ft0;
                        }
                    }
                }
                fioProcLine = fioProcSeconds == 0 ? "" : String.format(Locale.ROOT, "    fio rand read with one process per job"
                        + " (each its own session and autogroup; not in the ratios): %.0f MB/s (%.0f us per read)",
                        fioProcBytes / fioProcSeconds, fioProcLatencySum / fioProcSeconds);
                fioProcMBs = fioProcSeconds == 0 ? Double.NaN : fioProcBytes / fioProcSeconds;
                javaReadLine = String.format(Locale.ROOT, "    java pread (diagnostic: the reader threads, no store, 256 KiB at"
                        + " 256 KiB-aligned offsets, in the same rotation): %.0f MB/s, %.0f us per read",
                        javaReadBytes / (javaReadNanos / 1e9) / 1e6, javaReadLatency / 1e3 / Math.max(1, javaReads))
                        + (replayReads == 0 ? "" : String.format(Locale.ROOT, "; replaying the store's own read ranges"
                        + " (no CRC): %.0f MB/s, %.0f us per read", replayBytes / (replayNanos / 1e9) / 1e6,
                        replayLatency / 1e3 / replayReads))
                        + (crcReads == 0 ? "" : String.format(Locale.ROOT, "; the same + CRC32C after each read: %.0f MB/s,"
                        + " %.0f us per read", crcBytes / (crcNanos / 1e9) / 1e6, crcLatency / 1e3 / crcReads));
                long getPhaseWrites = device.writes.sum();
                double getCpu = getCpuNanos / (double) getNanos;
                double getMBs = read.sum() / (getNanos / 1e9) / 1e6;
                // Each reader is busy the whole phase: its mean get time is readers x phase / gets. The part of it
                // inside the device's read is what fio also pays; the rest is the store's (CRC, lookup, scheduling).
                long reads = Math.max(1, device.reads.sum());
                double getMicros = readers * (getNanos / 1e3) / Math.max(1, gets.sum());
                double readMicros = device.readNanos.sum() / 1e3 / reads;
                double readBlocks = device.bytesRead.sum() / 4096.0 / reads;
                return new StoreRun(partial.putMBs, getMBs, partial.meanWriteBytes, partial.writesPerForce,
                        partial.meanBatchRecords, partial.direct, partial.ioMode, partial.putDeviceBusy, partial.putIoIdle,
                        partial.putIoAck, partial.putCpu, getCpu, getMicros, readMicros, readBlocks,
                        fioSeconds == 0 ? Double.NaN : fioBytes / fioSeconds, fioSeconds == 0 ? Double.NaN : fioLatencySum / fioSeconds,
                        getPhaseWrites, filePutMBs, fileGetNanos == 0 ? Double.NaN : fileGetBytes / (fileGetNanos / 1e9) / 1e6);
            } finally {
                deleteTree(unitDir);
            }
        }
    }

    /** One file per unit: create, write, fsync, close, by {@code writers} threads; returns the put MB/s and the files. */
    private double filePerUnitPut(List<Path> out) throws Exception {
        deleteTree(unitDir);
        Files.createDirectories(unitDir);
        ByteBuffer[] pool = valuePool();
        ConcurrentLinkedQueue<Path> written = new ConcurrentLinkedQueue<>();
        AtomicLong budget = new AtomicLong(writeBytes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        LongAdder bytes = new LongAdder();
        long t0 = System.nanoTime();
        long run = runCounter++;
        runThreads(writers, "file-put", w -> {
            SplittableRandom rnd = new SplittableRandom(w);
            // Through the service the naive alternative is content-addressed too: it builds the unit, names the
            // file by the unit's id (SHA-256) and writes its encoding, as the store does before its append.
            byte[] payload = unitsApi ? bytesOf(pool[w % pool.length]) : null;
            if (payload != null) {
                payload = java.util.Arrays.copyOf(payload, UnitApi.payloadBytesFor(unitBytes));
            }
            long n = 0;
            while (System.nanoTime() < deadline && budget.addAndGet(-unitBytes) >= 0) {
                ByteBuffer v;
                Path p;
                if (payload != null) {
                    org.stateos.store.Unit u = UnitApi.unit(payload, run << 48 | (long) w << 40 | n++);
                    p = unitDir.resolve(u.id().toString());
                    v = u.encoding();
                } else {
                    p = unitDir.resolve(HexFormat.of().formatHex(key(w, n++)));
                    v = pool[rnd.nextInt(pool.length)].duplicate();
                }
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    while (v.hasRemaining()) {
                        ch.write(v);
                    }
                    ch.force(true);
                }
                written.add(p);
                bytes.add(unitBytes);
            }
        });
        out.addAll(written);
        return bytes.sum() / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    /** Random O_DIRECT reads of whole unit files by {@code readers} threads for {@code nanos}; returns the bytes read. */
    private long filePerUnitGets(Path[] files, boolean direct, long nanos, int slice) throws Exception {
        LongAdder read = new LongAdder();
        long readDeadline = System.nanoTime() + nanos;
        runThreads(readers, "file-get", r -> {
            SplittableRandom rnd = new SplittableRandom(100 + 31L * slice + r);
            ByteBuffer buf = ByteBuffer.allocateDirect(unitBytes + 4096).alignedSlice(4096);
            buf.limit(unitBytes);
            while (System.nanoTime() < readDeadline) {
                Path p = files[rnd.nextInt(files.length)];
                try (FileChannel ch = direct
                        ? FileChannel.open(p, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)
                        : FileChannel.open(p, StandardOpenOption.READ)) {
                    buf.clear().limit(unitBytes);
                    while (buf.hasRemaining() && ch.read(buf) > 0) {
                        // read the whole unit
                    }
                    if (unitsApi) { // as the service's get: the unit decoded into its own array
                        UnitApi.decode(buf.duplicate().flip());
                    }
                    read.add(buf.position());
                }
            }
        });
        return read.sum();
    }

    private static boolean directWorks(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096);
            b.limit(4096);
            ch.read(b, 0);
            return true;
        } catch (IOException e) {
            System.out.println("  file-per-unit reads: O_DIRECT refused (" + e + "), reading through the page cache");
            return false;
        }
    }

    /** Runs fio on the benchmark file; returns the job group's bandwidth in MB/s. */
    private double fio(String dir, List<String> args, boolean direct) throws IOException, InterruptedException {
        return fio(dir, args, direct, true);
    }

    /**
     * Runs fio; {@code threads}: its jobs are threads of one fio process (--thread) in this process's session, like
     * the store's reader and writer threads. Without it fio forks one process per job and each calls setsid(): with
     * the kernel's autogroup scheduling (sched_autogroup_enabled=1 here) every job is then a scheduling group of its
     * own, and on a loaded machine 4 jobs get up to 4 groups' share of CPU against the store's one group: the
     * wake-up after each read then comes sooner for fio than for any 4 threads of one process (a plain Java pread
     * loop included). Same block size, jobs, queue depth and engine either way; --thread only removes that.
     */
    private double fio(String dir, List<String> args, boolean direct, boolean threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=stateos-raw", "--filename=" + file, "--ioengine=psync",
                "--direct=" + (direct ? 1 : 0), "--offset=0", "--group_reporting", "--output-format=json"));
        if (threads) {
            cmd.add("--thread");
        }
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("fio failed (" + String.join(" ", cmd) + "): " + err);
        }
        String json = new String(out, StandardCharsets.UTF_8);
        json = json.substring(json.indexOf('{'));
        JsonObject job = JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("jobs").get(0).getAsJsonObject();
        JsonObject side = job.getAsJsonObject(dir);
        fioLatencyMicros = side.has("lat_ns") ? side.getAsJsonObject("lat_ns").get("mean").getAsDouble() / 1e3 : Double.NaN;
        return side.get("bw_bytes").getAsDouble() / 1e6;
    }

    private interface Body {
        void run(int index) throws Exception;
    }

    private static void runThreads(int n, String name, Body body) throws Exception {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            CompletableFuture<Void> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    body.run(index);
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, name + "-" + i);
            t.start();
            done.add(f);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
    }

    private long runCounter;

    private String getPath() {
        return unitsApi ? unitGet.description : copyGets ? "engine read(): copied" : "engine readView(): no copy";
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** 16 random units, reused: generating random bytes must not be what is measured. */
    private ByteBuffer[] valuePool() {
        SplittableRandom rnd = new SplittableRandom(7);
        ByteBuffer[] pool = new ByteBuffer[16];
        for (int i = 0; i < pool.length; i++) {
            byte[] v = new byte[unitBytes];
            for (int j = 0; j < v.length; j += 8) {
                long x = rnd.nextLong();
                for (int k = 0; k < 8 && j + k < v.length; k++) {
                    v[j + k] = (byte) (x >>> (8 * k));
                }
            }
            pool[i] = ByteBuffer.wrap(v).asReadOnlyBuffer();
        }
        return pool;
    }

    /** A 32-byte key, unique per (writer, n). Keys are not hashes of the values: hashing is the layer above's cost. */
    private static byte[] key(int writer, long n) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.putLong(0x5354415445L).putInt(writer).putLong(n).putLong(n * 0x9E3779B97F4A7C15L);
        return b.array();
    }

    private static double medianOf(List<double[]> rows, int column) {
        return median(rows.stream().mapToDouble(x -> x[column]).toArray());
    }

    /** /proc/loadavg's first three fields: the figures are only as steady as the machine. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long parseSize(String s) {
        s = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("K")) {
            mult = 1L << 10;
        } else if (s.endsWith("M")) {
            mult = 1L << 20;
        } else if (s.endsWith("G")) {
            mult = 1L << 30;
        }
        if (mult > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * mult;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
