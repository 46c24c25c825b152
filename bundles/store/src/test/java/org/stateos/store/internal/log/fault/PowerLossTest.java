package org.stateos.store.internal.log.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.stateos.store.internal.log.CorruptRecordException;
import org.stateos.store.internal.log.LogFullException;
import org.stateos.store.internal.log.RecordLog;

/**
 * Power-loss simulation: appends (and some deletes) from several threads into an engine on a
 * {@link PowerLossDevice}, a power cut at a random moment that keeps only what a completed force covered (and
 * a random part of the rest), then recovery on the surviving image. After each cut every append whose future
 * completed is present and byte-identical, every completed delete stays deleted, and nothing that was never
 * appended appears. The image is carried from cycle to cycle (recovery over recovered logs) and formatted
 * anew when it fills.
 *
 * <p>CI runs {@value #CI_CYCLES} small in-memory cycles; {@code -Dstore.powerloss.cycles=N} runs more and
 * {@code -Dstore.powerloss.seed=S} replays a failure.
 */
class PowerLossTest {
    static final int CI_CYCLES = 200;
    static final int IMAGE_BYTES = 16 << 20;
    static final int ALIGNMENT = 4096;
    static final int THREADS = 3;
    static final byte[] KINDS = {1, 2};
    private static final long CYCLE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One record the test appended: its value, and what is known of its fate. */
    private static final class Rec {
        final byte kind;
        final byte[] key;
        final byte[] value;
        volatile boolean appendCompleted;
        volatile boolean deleteIssued;
        volatile boolean deleteCompleted;

        Rec(byte kind, byte[] key, byte[] value) {
            this.kind = kind;
            this.key = key;
            this.value = value;
        }

        String id() {
            return "kind " + kind + " key " + HexFormat.of().formatHex(key);
        }
    }

    private static String mapKey(byte kind, byte[] key) {
        return kind + ":" + HexFormat.of().formatHex(key);
    }

    @Test
    void everyCompletedAppendSurvivesPowerLoss() throws Exception {
        int cycles = Integer.getInteger("store.powerloss.cycles", CI_CYCLES);
        long seed = Long.getLong("store.powerloss.seed", System.nanoTime());
        Random random = new Random(seed);

        PowerLossDevice device = new PowerLossDevice(IMAGE_BYTES, ALIGNMENT);
        TestLogs.format(device);
        device.force();
        // Every record ever appended since the last format, by (kind, key).
        Map<String, Rec> records = new ConcurrentHashMap<>();
        Map<PowerLossDevice.CutMode, Integer> modes = new EnumMap<>(PowerLossDevice.CutMode.class);
        long completedAppends = 0;
        int formats = 1;
        String lastCut = "a fresh format";
        int cutsWithPending = 0;
        int[] triggers = new int[3];
        long pendingAtCuts = 0;

        for (int cycle = 0; cycle < cycles; cycle++) {
            String context = "cycle " + cycle + " of seed " + seed + ", after " + lastCut;
            RecordLog log;
            try {
                log = TestLogs.open(device);
            } catch (IOException e) {
                throw new AssertionError("recovery failed in " + context, e);
            }
            verify(log, records, context);

            int target = 1 + random.nextInt(40);
            AtomicInteger completed = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            AtomicInteger full = new AtomicInteger();
            Object progress = new Object();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long threadSeed = random.nextLong();
                RecordLog l = log;
                Thread w = new Thread(() -> writeUntilDead(l, new Random(threadSeed), records, completed, full, unexpected, progress),
                        "powerloss-writer-" + t);
                w.setDaemon(true);
                writers.add(w);
            }
            // When the power fails: 0, after `target` completed appends (between commits, mostly); 1, right after the
            // engine's k-th write reached the cache; 2, as its k-th force starts (the flush never completes).
            int trigger = random.nextInt(3);
            if (trigger > 0) {
                int k = 1 + random.nextInt(2 * target);
                device.armCut(new Random(random.nextLong()), trigger == 1 ? k : 0, trigger == 2 ? k : 0, () -> {
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                });
            }
            triggers[trigger]++;
            writers.forEach(Thread::start);
            long deadline = System.nanoTime() + CYCLE_DEADLINE_NANOS;
            synchronized (progress) {
                while ((trigger == 0 ? completed.get() < target : !device.isDead()) && full.get() == 0 && unexpected.get() == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("no power cut within 30 s (trigger " + trigger + ", " + completed.get() + " of " + target
                                + " appends completed) in " + context);
                    }
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                }
            }
            PowerLossDevice.CutReport cut = device.isDead() ? device.lastCut() : device.cutPower(random);
            modes.merge(cut.mode(), 1, Integer::sum);
            if (cut.pendingWrites() > 0) {
                cutsWithPending++;
                pendingAtCuts += cut.pendingWrites();
            }
            try {
                log.close();
            } catch (IOException | RuntimeException e) {
                // Closing on a dead device may fail; that is fine.
            }
            for (Thread w : writers) {
                w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 5_000);
                if (w.isAlive()) {
                    fail("an append never completed after the device failed (engine hangs on I/O errors) in " + context
                            + "; " + cut + "\n" + engineThreads());
                }
            }
            if (unexpected.get() != null) {
                throw new AssertionError("unexpected failure before the cut in " + context, unexpected.get());
            }
            completedAppends += completed.get();

            device = new PowerLossDevice(device.durableImage(), ALIGNMENT);
            lastCut = cut.toString();
            if (full.get() > 0) {
                // Check this image once more, then start over on a fresh one.
                try (RecordLog after = TestLogs.open(device)) {
                    verify(after, records, context + " (full image) after " + lastCut);
                }
                device = new PowerLossDevice(IMAGE_BYTES, ALIGNMENT);
                TestLogs.format(device);
                device.force();
                records.clear();
                formats++;
                lastCut = "a fresh format";
            }
        }
        // The last cut is checked like the others.
        try (RecordLog after = TestLogs.open(device)) {
            verify(after, records, "the end, after " + lastCut + ", seed " + seed);
        }
        System.out.printf("PowerLossTest: %d cycles, %d completed appends survived, %d format(s), cuts %s,"
                + " %d cuts with unforced writes pending (%d writes in all), cut after completions/at a write/in a force %s, seed %d%n",
                cycles, completedAppends, formats, modes, cutsWithPending, pendingAtCuts, java.util.Arrays.toString(triggers), seed);
    }

    /** Stacks of the engine's and the writers' threads, for a hang's failure message. */
    private static String engineThreads() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("stateos-store-log") || t.getName().startsWith("powerloss-writer")) {
                sb.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    sb.append("    at ").append(e).append('\n');
                }
            }
        });
        return sb.toString();
    }

    private static void writeUntilDead(RecordLog log, Random random, Map<String, Rec> records, AtomicInteger completed,
                                       AtomicInteger full, AtomicReference<Throwable> unexpected, Object progress) {
        List<Rec> mine = new ArrayList<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        try {
            while (true) {
                int op = random.nextInt(20);
                if (op == 0 && !mine.isEmpty()) {
                    Rec victim = mine.remove(random.nextInt(mine.size()));
                    if (victim.appendCompleted) {
                        victim.deleteIssued = true;
                        log.delete(victim.kind, victim.key).join();
                        victim.deleteCompleted = true;
                    } else {
                        mine.add(victim);
                    }
                    continue;
                }
                byte kind = KINDS[random.nextInt(KINDS.length)];
                byte[] key = new byte[1 + random.nextInt(RecordLog.MAX_KEY_BYTES)];
                random.nextBytes(key);
                int len = switch (random.nextInt(8)) {
                    case 0 -> 0;
                    case 1 -> 64 * 1024 + random.nextInt(64 * 1024);
                    default -> random.nextInt(6000);
                };
                byte[] value = new byte[len];
                random.nextBytes(value);
                Rec rec = new Rec(kind, key, value);
                if (records.putIfAbsent(mapKey(kind, key), rec) != null) {
                    continue; // a key collision in random bytes: skip rather than reason about overwrites
                }
                CompletableFuture<Void> f = log.append(kind, key, ByteBuffer.wrap(value));
                CompletableFuture<Void> tracked = f.thenRun(() -> {
                    rec.appendCompleted = true;
                    completed.incrementAndGet();
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                });
                mine.add(rec);
                inFlight.add(tracked);
                // Mostly one append at a time (each put awaited), sometimes a few pipelined.
                if (inFlight.size() >= 1 + random.nextInt(4)) {
                    for (CompletableFuture<Void> x : inFlight) {
                        x.join();
                    }
                    inFlight.clear();
                }
            }
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LogFullException) {
                full.incrementAndGet();
            } else if (!(cause instanceof IOException)) {
                unexpected.compareAndSet(null, cause);
            }
            // An IOException: the device lost power. Let the other in-flight futures settle.
            for (CompletableFuture<Void> x : inFlight) {
                try {
                    x.join();
                } catch (CompletionException ignored) {
                    // expected after the cut
                }
            }
        } catch (Throwable e) {
            unexpected.compareAndSet(null, e);
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    static void verify(RecordLog log, Map<String, Rec> records, String context) throws IOException {
        for (Rec r : records.values()) {
            ByteBuffer got;
            try {
                got = log.read(r.kind, r.key);
            } catch (CorruptRecordException e) {
                throw new AssertionError("recovery kept a corrupt record for " + r.id() + " in " + context, e);
            }
            if (r.deleteCompleted) {
                assertNull(got, "completed delete of " + r.id() + " undone in " + context);
            } else if (got != null) {
                assertArrayEquals(r.value, bytes(got), "wrong bytes for " + r.id() + " in " + context);
                assertTrue(log.contains(r.kind, r.key), "read finds but contains() does not: " + r.id() + " in " + context);
            } else if (r.appendCompleted && !r.deleteIssued) {
                fail("completed append lost: " + r.id() + " (" + r.value.length + " bytes) in " + context);
            }
        }
        for (byte kind : KINDS) {
            List<byte[]> keys = new ArrayList<>();
            log.forEachKey(kind, keys::add);
            for (byte[] key : keys) {
                Rec r = records.get(mapKey(kind, key));
                assertNotNull(r, "never-appended key " + HexFormat.of().formatHex(key) + " of kind " + kind + " appears in " + context);
                if (r.deleteCompleted) {
                    fail("deleted key listed: " + r.id() + " in " + context);
                }
            }
            long present = records.values().stream().filter(r -> r.kind == kind && !r.deleteCompleted).filter(r -> {
                return log.contains(r.kind, r.key);
            }).count();
            assertEquals(present, keys.size(), "forEachKey and contains() disagree for kind " + kind + " in " + context);
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
