package org.stateos.store.internal.log.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.store.internal.log.BlockDevice;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.fault.TestLogs;

/**
 * SIGKILL crash test: a separate JVM ({@link CrashWriter}) appends to a file-backed log from several threads
 * and is killed with SIGKILL after a random number of acknowledged appends; the log is then reopened here and
 * every acknowledged record must be present and byte-identical, and every other record present must be one a
 * writer appended. The writer is then restarted on the same image, so appends continue over recovered logs.
 *
 * <p>SIGKILL keeps the page cache, so this proves the engine's own ordering and recovery, not the device's
 * flushes: {@code PowerLossTest} covers those. CI runs {@value #CI_CYCLES} cycles;
 * {@code -Dstore.crash.cycles=300} runs the hundreds the issue asks for.
 */
class SigkillCrashTest {
    static final int CI_CYCLES = 20;
    private static final Pattern ACK = Pattern.compile("ACK ([0-9a-f]{64}) (\\d+)");
    private static final long CYCLE_DEADLINE_MS = 60_000;

    @TempDir
    Path dir;

    private Process writer;

    @AfterEach
    void killWriter() throws InterruptedException {
        if (writer != null && writer.isAlive()) {
            writer.destroyForcibly();
            writer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What one writer process printed, filled by a reader thread; guarded by {@code this}. */
    private static final class WriterOutput {
        final List<long[]> acks = new ArrayList<>();        // (counter) per ACK, in order
        final List<String> ackKeys = new ArrayList<>();
        boolean opened;
        long openMillis = -1;
        boolean full;
        String error;
        boolean eof;

        synchronized void await(int acksWanted, long deadlineNanos) throws InterruptedException {
            while (acks.size() < acksWanted && !full && error == null && !eof) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized void awaitOpen(long deadlineNanos) throws InterruptedException {
            while (!opened && !full && error == null && !eof) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized void awaitEof(long deadlineNanos) throws InterruptedException {
            while (!eof) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized void line(String line) {
            Matcher m = ACK.matcher(line);
            if (m.matches()) {
                acks.add(new long[] {Long.parseLong(m.group(2))});
                ackKeys.add(m.group(1));
            } else if (line.startsWith("OPEN ")) {
                opened = true;
                openMillis = Long.parseLong(line.substring(5).trim());
            } else if (line.equals("FULL")) {
                full = true;
            } else if (line.startsWith("ERR ")) {
                error = line;
            }
            // Anything else (a line cut short by the kill) is ignored: an ACK is printed after durability,
            // so dropping a partial one only checks less.
            notifyAll();
        }

        synchronized void end() {
            eof = true;
            notifyAll();
        }
    }

    @Test
    void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
        int cycles = Integer.getInteger("store.crash.cycles", CI_CYCLES);
        long imageBytes = Long.getLong("store.crash.imageMiB", 128L) << 20;
        int threads = Integer.getInteger("store.crash.threads", 4);
        int maxAcks = Integer.getInteger("store.crash.maxAcks", 80);
        long baseSeed = Long.getLong("store.crash.seed", System.nanoTime());
        Random random = new Random(baseSeed);
        Path image = dir.resolve("crash.img");
        Path stderr = dir.resolve("writer.stderr");

        String classpath = snapshotClasspath();
        formatImage(image, imageBytes);
        // hex key -> (seed, counter) of every acknowledged append since the image was last formatted.
        Map<String, long[]> acked = new HashMap<>();
        long totalAcks = 0;
        long maxOpenMillis = 0;
        int formats = 1;
        int killedBeforeFirstAck = 0;
        int formattedAtCycle = 0;

        for (int cycle = 0; cycle < cycles; cycle++) {
            long seed = baseSeed * 1000 + cycle;
            // One cycle in ten is killed as soon as the log is open (or while it recovers), the rest after
            // a random number of acknowledged appends.
            int target = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(maxAcks);
            String context = "cycle " + cycle + " (base seed " + baseSeed + ", writer seed " + seed + ", kill after " + target + " acks)";

            WriterOutput out = new WriterOutput();
            writer = new ProcessBuilder(command(classpath, image, imageBytes, seed, threads))
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                    .start();
            Thread reader = startReader(writer, out);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CYCLE_DEADLINE_MS);
            if (target == 0 && random.nextBoolean()) {
                out.awaitOpen(deadline);
            } else {
                out.await(target, deadline);
            }
            writer.destroyForcibly();
            if (!writer.waitFor(30, TimeUnit.SECONDS)) {
                fail("writer did not die after SIGKILL: " + context);
            }
            out.awaitEof(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            reader.join(TimeUnit.SECONDS.toMillis(5));

            boolean full;
            synchronized (out) {
                if (out.error != null) {
                    fail("writer failed: " + out.error + " in " + context + "\n" + tail(stderr));
                }
                if (!out.eof) {
                    fail("writer output did not end after kill: " + context);
                }
                if (out.acks.size() < target && !out.full) {
                    fail("writer made only " + out.acks.size() + " acks before the deadline: " + context + "\n" + tail(stderr));
                }
                if (target > 0 && out.acks.isEmpty()) {
                    fail("no acks: " + context);
                }
                for (int i = 0; i < out.acks.size(); i++) {
                    acked.put(out.ackKeys.get(i), new long[] {seed, out.acks.get(i)[0]});
                }
                totalAcks += out.acks.size();
                if (out.acks.isEmpty()) {
                    killedBeforeFirstAck++;
                }
                maxOpenMillis = Math.max(maxOpenMillis, out.openMillis);
                full = out.full;
            }

            verify(image, imageBytes, acked, baseSeed * 1000 + formattedAtCycle, context);

            if (full) {
                formatImage(image, imageBytes);
                acked.clear();
                formats++;
                formattedAtCycle = cycle + 1;
            }
        }
        System.out.printf("SigkillCrashTest: %d cycles, %d acknowledged appends all intact, %d kills before the first ack,"
                + " %d format(s), slowest writer open %d ms, base seed %d%n",
                cycles, totalAcks, killedBeforeFirstAck, formats, maxOpenMillis, baseSeed);
    }

    /** {@code firstSeed}: the seed of the first writer since the last format; older records must never come back. */
    private void verify(Path image, long imageBytes, Map<String, long[]> acked, long firstSeed, String context) throws IOException {
        try (BlockDevice device = TestLogs.fileDevice(image, imageBytes); RecordLog log = TestLogs.open(device, TestLogs.fileConfig())) {
            for (Map.Entry<String, long[]> e : acked.entrySet()) {
                byte[] key = CrashRecords.unhex(e.getKey());
                ByteBuffer got = log.read(CrashRecords.KIND, key);
                assertNotNull(got, "acknowledged record " + e.getKey() + " lost after " + context);
                byte[] expected = CrashRecords.value(e.getValue()[0], e.getValue()[1]);
                assertArrayEquals(expected, bytes(got), "acknowledged record " + e.getKey() + " differs after " + context);
            }
            // Nothing that was not appended may appear: every other live key must be a value some writer made
            // (the appends in flight at the kill), re-derived from the (seed, counter) it carries.
            List<byte[]> keys = new ArrayList<>();
            log.forEachKey(CrashRecords.KIND, keys::add);
            int unacked = 0;
            for (byte[] key : keys) {
                String hex = CrashRecords.hex(key);
                if (acked.containsKey(hex)) {
                    continue;
                }
                unacked++;
                ByteBuffer got = log.read(CrashRecords.KIND, key);
                assertNotNull(got, "listed key " + hex + " cannot be read after " + context);
                byte[] v = bytes(got);
                assertArrayEquals(key, CrashRecords.key(v), "record " + hex + " does not hash to its key after " + context);
                ByteBuffer head = ByteBuffer.wrap(v);
                long seed = head.getLong();
                long counter = head.getLong();
                assertArrayEquals(CrashRecords.value(seed, counter), v, "record " + hex + " was never appended: " + context);
                if (seed < firstSeed) {
                    fail("record " + hex + " of writer seed " + seed + ", appended before the image was last formatted, came back: "
                            + context + "; engine reports " + log.stats().problems());
                }
            }
            assertEquals(acked.size() + unacked, keys.size(), "forEachKey lists a key twice after " + context);
            assertEquals(0, TestLogs.corruptRecords(log), "a SIGKILL must not leave corrupt records: " + context
                    + "; engine reports " + log.stats().problems() + "; recovery replayed " + log.stats().lastRecoveryRecords()
                    + " records from checkpoint " + log.stats().checkpointGeneration() + " at " + log.stats().checkpointPosition());
        }
    }

    private static void formatImage(Path image, long imageBytes) throws IOException {
        try (BlockDevice device = TestLogs.fileDevice(image, imageBytes)) {
            TestLogs.format(device, TestLogs.fileConfig());
        }
    }

    /**
     * The test class path with its directories (target/classes, target/test-classes) copied under the temporary
     * directory: a build of the same module during a long run (another engineer's, or the IDE's) would otherwise
     * swap the classes under the writers' feet. Under surefire's manifest-only booter jar, the entries come from
     * its Class-Path.
     */
    private String snapshotClasspath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName() != null && p.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(p)) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String url : cp.trim().split("\\s+")) {
                        entries.add(Path.of(p.toUri().resolve(url)).toString());
                    }
                }
            } else {
                entries.add(e);
            }
        }
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String e : entries) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                Path copy = dir.resolve("classpath-" + n++);
                try (Stream<Path> tree = Files.walk(p)) {
                    for (Path f : tree.toList()) {
                        Path to = copy.resolve(p.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(f, to);
                        }
                    }
                }
                out.add(copy.toString());
            } else {
                out.add(e);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static List<String> command(String classpath, Path image, long imageBytes, long seed, int threads) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classpath,
                CrashWriter.class.getName(), image.toString(), Long.toString(imageBytes), Long.toString(seed),
                Integer.toString(threads));
    }

    private static Thread startReader(Process p, WriterOutput out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.line(line);
                }
            } catch (IOException e) {
                // The pipe closes when the process dies.
            } finally {
                out.end();
            }
        }, "crash-writer-stdout");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }
}
