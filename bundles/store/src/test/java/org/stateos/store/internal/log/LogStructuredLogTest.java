package org.stateos.store.internal.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogStructuredLogTest {
    static final byte UNIT = 1;
    static final byte HEAD = 2;
    static final int SEG = 256 * 1024;
    static final LogConfig CFG = LogConfig.defaults().withMaxValueBytes(64 * 1024).withSegmentBytes(SEG)
            .withCheckpointInterval(1L << 40, Duration.ofHours(1));

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("store.img");
    }

    LogStructuredLog create(long size) throws IOException {
        FileBlockDevice d = FileBlockDevice.open(file(), size);
        LogStructuredLog.format(d, CFG, false);
        return LogStructuredLog.open(d, CFG);
    }

    LogStructuredLog reopen() throws IOException {
        return LogStructuredLog.open(FileBlockDevice.open(file(), 0), CFG);
    }

    static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(int i, int len) {
        byte[] v = new byte[len];
        for (int j = 0; j < len; j++) {
            v[j] = (byte) (i * 7 + j);
        }
        return v;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** Device offset of the i-th record of a fresh log whose records (all of encoded length enc) went to segment 0. */
    static long offsetOf(int i, int enc) {
        return Layout.DATA_START + LogStructuredLog.SEGMENT_HEADER_LEN + (long) i * enc;
    }

    static void flipBit(Path f, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
    }

    @Test
    void appendsReadsContainsDeletesAndListsKeys() throws Exception {
        try (LogStructuredLog log = create(8 << 20)) {
            for (int i = 0; i < 50; i++) {
                log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 100 + i))).join();
            }
            log.append(HEAD, key(1), ByteBuffer.wrap(value(99, 10))).join();
            assertArrayEquals(value(7, 107), bytes(log.read(UNIT, key(7))));
            assertArrayEquals(value(99, 10), bytes(log.read(HEAD, key(1))));
            assertTrue(log.contains(UNIT, key(49)));
            assertFalse(log.contains(UNIT, key(50)));
            assertNull(log.read(UNIT, key(50)));
            log.append(UNIT, key(7), ByteBuffer.wrap(value(1000, 3))).join();
            assertArrayEquals(value(1000, 3), bytes(log.read(UNIT, key(7))), "newest record wins");
            log.delete(UNIT, key(8)).join();
            assertFalse(log.contains(UNIT, key(8)));
            assertNull(log.read(UNIT, key(8)));
            Set<String> keys = new HashSet<>();
            log.forEachKey(UNIT, k -> keys.add(new String(k, StandardCharsets.UTF_8)));
            assertEquals(49, keys.size());
            assertFalse(keys.contains("key-8"));
            LogStats s = log.stats();
            assertEquals(49, s.liveRecordsByKind().get(1));
            assertEquals(1, s.liveRecordsByKind().get(2));
            assertEquals(52, s.appends());
            assertEquals(1, s.deletes());
            assertTrue(s.direct(), s.ioMode());
            assertThrows(CompletionException.class, () -> log.append((byte) 0xF3, key(1), ByteBuffer.allocate(1)).join());
            assertThrows(CompletionException.class,
                    () -> log.append(UNIT, key(1), ByteBuffer.allocate(64 * 1024 + 1)).join());
        }
    }

    @Test
    void reopenAfterCloseSeesEverythingWithoutReplay() throws Exception {
        try (LogStructuredLog log = create(8 << 20)) {
            for (int i = 0; i < 100; i++) {
                log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 3000))).join();
            }
            log.delete(UNIT, key(5)).join();
        }
        try (LogStructuredLog log = reopen()) {
            assertEquals(0, log.stats().lastRecoveryRecords(), "close wrote a checkpoint covering everything");
            for (int i = 0; i < 100; i++) {
                if (i == 5) {
                    assertFalse(log.contains(UNIT, key(i)));
                } else {
                    assertArrayEquals(value(i, 3000), bytes(log.read(UNIT, key(i))), "key " + i);
                }
            }
            log.append(UNIT, key(1000), ByteBuffer.wrap(value(1, 10))).join();
        }
        try (LogStructuredLog log = reopen()) {
            assertEquals(99 + 1, log.stats().liveRecordsByKind().get(1));
        }
    }

    @Test
    void recoveryAfterACrashHonoursAppendsAndDeletes() throws Exception {
        LogStructuredLog log = create(8 << 20);
        for (int i = 0; i < 30; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 5000))).join();
        }
        log.delete(UNIT, key(3)).join();
        log.crashForTesting();
        try (LogStructuredLog again = reopen()) {
            assertEquals(31, again.stats().lastRecoveryRecords());
            assertFalse(again.contains(UNIT, key(3)));
            for (int i = 0; i < 30; i++) {
                if (i != 3) {
                    assertArrayEquals(value(i, 5000), bytes(again.read(UNIT, key(i))));
                }
            }
            assertEquals(0, again.stats().corruptRecords());
        }
    }

    @Test
    void dropsATornTailAndKeepsAppendingAfterIt() throws Exception {
        int len = 1000;
        int enc = RecordCodec.encodedLength(key(0).length, len);
        LogStructuredLog log = create(8 << 20);
        for (int i = 0; i < 10; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, len))).join();
        }
        log.crashForTesting();
        // tear the last record: its second half never reached the disk
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.seek(offsetOf(9, enc) + enc / 2);
            raf.write(new byte[enc / 2]);
        }
        log = reopen();
        assertFalse(log.contains(UNIT, key(9)), "torn record dropped");
        for (int i = 0; i < 9; i++) {
            assertArrayEquals(value(i, len), bytes(log.read(UNIT, key(i))));
        }
        assertEquals(0, log.stats().corruptRecords(), "a torn tail is not corruption");
        assertEquals(9, log.stats().lastRecoveryRecords());
        log.append(UNIT, key(100), ByteBuffer.wrap(value(100, 50))).join();
        log.crashForTesting();
        try (LogStructuredLog again = reopen()) {
            assertArrayEquals(value(100, 50), bytes(again.read(UNIT, key(100))));
            assertEquals(10, again.stats().liveRecordsByKind().get(1));
            assertEquals(0, again.stats().corruptRecords());
        }
    }

    @Test
    void aBitFlipInTheMiddleOfTheReplayedLogIsReportedAndTheRestRecovered() throws Exception {
        int len = 2000;
        int enc = RecordCodec.encodedLength(key(0).length, len);
        LogStructuredLog log = create(8 << 20);
        for (int i = 0; i < 10; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, len))).join();
        }
        log.crashForTesting();
        flipBit(file(), offsetOf(3, enc) + 100);
        try (LogStructuredLog again = reopen()) {
            LogStats s = again.stats();
            assertTrue(s.corruptRecords() >= 1, s.toString());
            assertTrue(s.problems().stream().anyMatch(p -> p.contains("corruption in the middle of the log")), s.problems().toString());
            assertFalse(again.contains(UNIT, key(3)), "the corrupt record is never returned");
            for (int i = 0; i < 10; i++) {
                if (i != 3) {
                    assertArrayEquals(value(i, len), bytes(again.read(UNIT, key(i))), "key " + i);
                }
            }
        }
    }

    @Test
    void aBitFlipInACheckpointedRecordIsDetectedOnReadAndByVerify() throws Exception {
        int len = 2000;
        int enc = RecordCodec.encodedLength(key(0).length, len);
        try (LogStructuredLog log = create(8 << 20)) {
            for (int i = 0; i < 10; i++) {
                log.append(UNIT, key(i), ByteBuffer.wrap(value(i, len))).join();
            }
        }
        flipBit(file(), offsetOf(4, enc) + 500);
        try (LogStructuredLog log = reopen()) {
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.read(UNIT, key(4)));
            assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
            assertEquals(1, log.stats().corruptRecords());
            assertArrayEquals(value(5, len), bytes(log.read(UNIT, key(5))));
            LogStructuredLog.VerifyReport r = log.verify();
            assertEquals(10, r.recordsChecked());
            assertEquals(1, r.corrupt());
            assertEquals(2, log.stats().corruptRecords());
        }
    }

    @Test
    void readViewsAreCrcCheckedAndKeepTheirBytesUntilClosed() throws Exception {
        int len = 40_000;
        int enc = RecordCodec.encodedLength(key(0).length, len);
        try (LogStructuredLog log = create(8 << 20)) {
            for (int i = 0; i < 6; i++) {
                log.append(UNIT, key(i), ByteBuffer.wrap(value(i, len))).join();
            }
        }
        flipBit(file(), offsetOf(4, enc) + 30_000);
        try (LogStructuredLog log = reopen()) {
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.readView(UNIT, key(4)));
            assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
            assertNull(log.readView(UNIT, key(99)));
            // Views held at the same time never share a read buffer; a closed view's buffer serves the next read.
            List<RecordView> open = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 4; i++) {
                    open.add(log.readView(UNIT, key(i)));
                }
                for (int i = 0; i < 4; i++) {
                    RecordView v = open.get(i);
                    assertTrue(v.value().isReadOnly());
                    assertArrayEquals(value(i, len), bytes(v.value()), "view " + i + " in round " + round);
                    v.close();
                    v.close(); // harmless: the buffer goes back once
                }
                open.clear();
            }
            try (RecordView v = log.readView(UNIT, key(5))) {
                assertArrayEquals(value(5, len), bytes(v.value()));
            }
        }
    }

    @Test
    void recoveryReplaysOnlyWhatFollowsTheCheckpoint() throws Exception {
        LogStructuredLog log = create(8 << 20);
        for (int i = 0; i < 200; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 2000))).join();
        }
        log.checkpoint().join();
        long gen = log.stats().checkpointGeneration();
        for (int i = 200; i < 205; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 2000))).join();
        }
        log.delete(UNIT, key(0)).join();
        log.crashForTesting();
        try (LogStructuredLog again = reopen()) {
            LogStats s = again.stats();
            assertEquals(gen, s.checkpointGeneration());
            assertEquals(6, s.lastRecoveryRecords(), "5 appends and 1 delete after the checkpoint");
            assertEquals(204, s.liveRecordsByKind().get(1));
            assertArrayEquals(value(150, 2000), bytes(again.read(UNIT, key(150))));
            assertArrayEquals(value(204, 2000), bytes(again.read(UNIT, key(204))));
            assertFalse(again.contains(UNIT, key(0)));
        }
    }

    @Test
    void aTornCheckpointSlotFallsBackToTheOtherOne() throws Exception {
        LogStructuredLog log = create(8 << 20);
        for (int i = 0; i < 20; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 1000))).join();
        }
        log.checkpoint().join(); // generation 2 -> slot B
        for (int i = 20; i < 25; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 1000))).join();
        }
        log.checkpoint().join(); // generation 3 -> slot A
        log.crashForTesting();
        flipBit(file(), Layout.SLOT_A + 40); // garble the newest slot
        try (LogStructuredLog again = reopen()) {
            LogStats s = again.stats();
            assertEquals(2, s.checkpointGeneration());
            assertTrue(s.problems().stream().anyMatch(p -> p.contains("checkpoint slot")), s.problems().toString());
            assertEquals(25, s.liveRecordsByKind().get(1));
            assertArrayEquals(value(24, 1000), bytes(again.read(UNIT, key(24))));
        }
    }

    @Test
    void groupCommitsConcurrentAppendersAndEveryAcknowledgedAppendIsDurable() throws Exception {
        int threads = 8;
        int per = 150;
        LogStructuredLog log = create(32 << 20);
        onThreads(threads, t -> {
            for (int i = 0; i < per; i++) {
                int n = t * per + i;
                log.append(UNIT, key(n), ByteBuffer.wrap(value(n, 4000))).join();
            }
        });
        LogStats s = log.stats();
        assertEquals(threads * per, s.appends());
        assertTrue(s.meanBatchRecords() > 1.5, "appends were batched: " + s.meanBatchRecords());
        assertTrue(s.forces() < threads * per, "fewer forces than appends: " + s.forces());
        log.crashForTesting();
        try (LogStructuredLog again = reopen()) {
            for (int n = 0; n < threads * per; n++) {
                assertArrayEquals(value(n, 4000), bytes(again.read(UNIT, key(n))), "key " + n);
            }
        }
    }

    /**
     * Several threads append and delete without waiting for each answer, with batches of at most two records (so the
     * writer waits for room all the time and requests queue up). Each thread writes every key twice in a row, an
     * append then a delete or a second value: if either overtook the other, the key would survive its delete or keep
     * its first value. Checked before and after a crash.
     */
    @Test
    void eachThreadsUnawaitedAppendsAndDeletesLandInIssueOrder() throws Exception {
        LogConfig small = CFG.withGroupCommit(1 << 20, 2, Duration.ZERO);
        FileBlockDevice d = FileBlockDevice.open(file(), 32 << 20);
        LogStructuredLog.format(d, small, false);
        LogStructuredLog log = LogStructuredLog.open(d, small);
        int threads = 6;
        int keys = 150;
        onThreads(threads, t -> {
            List<CompletableFuture<Void>> mine = new ArrayList<>();
            for (int r = 0; r < keys; r++) {
                int k = t * keys + r;
                mine.add(log.append(UNIT, key(k), ByteBuffer.wrap(value(k, 1000))));
                mine.add(r % 2 == 0 ? log.delete(UNIT, key(k)) : log.append(UNIT, key(k), ByteBuffer.wrap(value(-k, 900))));
            }
            CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).join();
        });
        assertTrue(log.stats().meanBatchRecords() <= 2.0, "batches of at most two records: " + log.stats().meanBatchRecords());
        assertSecondWriteWins(log, threads, keys);
        log.crashForTesting();
        try (LogStructuredLog again = LogStructuredLog.open(FileBlockDevice.open(file(), 0), small)) {
            assertSecondWriteWins(again, threads, keys);
        }
    }

    /** Runs {@code body} with each of 0..threads-1 on a thread of its own, and waits for all (60 s at most). */
    private static void onThreads(int threads, IntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                fs.add(pool.submit(() -> body.accept(tt)));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSecondWriteWins(LogStructuredLog log, int threads, int keysPerThread) throws IOException {
        for (int k = 0; k < threads * keysPerThread; k++) {
            int r = k % keysPerThread;
            if (r % 2 == 0) {
                assertNull(log.read(UNIT, key(k)), "key " + k + ": deleted after its append");
            } else {
                assertArrayEquals(value(-k, 900), bytes(log.read(UNIT, key(k))), "key " + k + ": the second value");
            }
        }
    }

    @Test
    void aFullDeviceFailsAppendsCleanlyAndStaysReadableThenCleaningMakesRoom() throws Exception {
        // 1 MiB of header + 8 segments of 256 KiB
        LogStructuredLog log = create((1 << 20) + 8L * SEG);
        int len = 30 * 1024;
        List<Integer> stored = new ArrayList<>();
        LogFullException full = null;
        for (int i = 0; i < 1000 && full == null; i++) {
            try {
                log.append(UNIT, key(i), ByteBuffer.wrap(value(i, len))).join();
                stored.add(i);
            } catch (CompletionException e) {
                full = assertInstanceOf(LogFullException.class, e.getCause());
            }
        }
        assertTrue(full != null, "device filled up");
        assertTrue(full.getMessage().contains("live bytes"), full.getMessage());
        assertTrue(stored.size() > 20, "stored " + stored.size());
        for (int i : stored) {
            assertArrayEquals(value(i, len), bytes(log.read(UNIT, key(i))));
        }
        // deleting half makes room again: the cleaner copies the live half out of sealed segments
        for (int i : stored) {
            if (i % 2 == 0) {
                log.delete(UNIT, key(i)).join();
            }
        }
        int more = 0;
        for (int i = 2000; i < 2000 + stored.size() / 3; i++) {
            log.append(UNIT, key(i), ByteBuffer.wrap(value(i, len))).join();
            more++;
        }
        assertTrue(log.stats().cleanerRuns() > 0, log.stats().toString());
        log.crashForTesting();
        try (LogStructuredLog again = reopen()) {
            for (int i : stored) {
                if (i % 2 == 0) {
                    assertFalse(again.contains(UNIT, key(i)));
                } else {
                    assertArrayEquals(value(i, len), bytes(again.read(UNIT, key(i))), "key " + i);
                }
            }
            for (int i = 2000; i < 2000 + more; i++) {
                assertArrayEquals(value(i, len), bytes(again.read(UNIT, key(i))));
            }
            assertEquals(0, again.stats().corruptRecords());
        }
    }

    @Test
    void overwritingFarMoreThanTheDeviceHoldsWorksThroughCleaning() throws Exception {
        LogStructuredLog log = create((1 << 20) + 12L * SEG);
        int len = 20 * 1024;
        int keys = 20; // ~400 KiB live on a 3 MiB device
        for (int round = 0; round < 30; round++) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                fs.add(log.append(UNIT, key(k), ByteBuffer.wrap(value(round * 100 + k, len))));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
        }
        LogStats s = log.stats();
        assertTrue(s.bytesAppended() > 4L * 12 * SEG / 2, "wrote more than the device: " + s.bytesAppended());
        assertTrue(s.cleanerRuns() > 0);
        log.crashForTesting();
        try (LogStructuredLog again = reopen()) {
            for (int k = 0; k < keys; k++) {
                assertArrayEquals(value(29 * 100 + k, len), bytes(again.read(UNIT, key(k))));
            }
        }
        try (LogStructuredLog again = reopen()) {
            assertEquals(keys, again.stats().liveRecordsByKind().get(1));
        }
    }

    @Test
    void formatRefusesForeignContentUnlessForced() throws Exception {
        long size = 4 << 20;
        record Sig(long at, byte[] bytes, String name) {
        }
        List<Sig> sigs = List.of(
                new Sig(510, new byte[] {0x55, (byte) 0xAA}, "MBR"),
                new Sig(512, "EFI PART".getBytes(StandardCharsets.US_ASCII), "GPT"),
                new Sig(1080, new byte[] {0x53, (byte) 0xEF}, "ext2/3/4"),
                new Sig(0, "XFSB".getBytes(StandardCharsets.US_ASCII), "XFS"),
                new Sig(65600, "_BHRfS_M".getBytes(StandardCharsets.US_ASCII), "btrfs"));
        for (Sig sig : sigs) {
            Path f = dir.resolve(sig.name().replace('/', '_') + ".img");
            try (FileBlockDevice d = FileBlockDevice.open(f, size)) {
                ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096);
                long block = sig.at() & -4096L;
                b.limit(4096);
                d.read(b, block);
                b.clear().limit(4096);
                b.put((int) (sig.at() - block), sig.bytes());
                d.write(b, block);
                DeviceFormatException e = assertThrows(DeviceFormatException.class,
                        () -> LogStructuredLog.format(d, CFG, false));
                assertTrue(e.getMessage().contains(sig.name()), e.getMessage());
                LogStructuredLog.format(d, CFG, true);
                assertTrue(LogStructuredLog.isFormatted(d));
                assertTrue(LogStructuredLog.identify(d).orElseThrow().startsWith("a StateOS log"));
            }
        }
        try (FileBlockDevice d = FileBlockDevice.open(file(), size)) {
            LogStructuredLog.format(d, CFG, false);
            DeviceFormatException e = assertThrows(DeviceFormatException.class, () -> LogStructuredLog.format(d, CFG, false));
            assertTrue(e.found().contains("StateOS log"), e.found());
        }
    }

    @Test
    void aForcedReformatForgetsTheOldLog() throws Exception {
        try (LogStructuredLog log = create(8 << 20)) {
            log.append(UNIT, key(1), ByteBuffer.wrap(value(1, 100))).join();
        }
        try (FileBlockDevice d = FileBlockDevice.open(file(), 0)) {
            LogStructuredLog.format(d, CFG, true);
        }
        try (LogStructuredLog log = reopen()) {
            assertFalse(log.contains(UNIT, key(1)));
            assertEquals(0, log.stats().liveBytes());
        }
    }

    @Test
    void openRefusesAnUnformattedDevice() throws Exception {
        try (FileBlockDevice d = FileBlockDevice.open(file(), 4 << 20)) {
            DeviceFormatException e = assertThrows(DeviceFormatException.class, () -> LogStructuredLog.open(d, CFG));
            assertTrue(e.getMessage().contains("format it first"), e.getMessage());
        }
    }

    @Test
    void appendsAfterCloseFail() throws Exception {
        LogStructuredLog log = create(4 << 20);
        log.close();
        CompletionException e = assertThrows(CompletionException.class,
                () -> log.append(UNIT, key(1), ByteBuffer.allocate(1)).join());
        assertTrue(e.getCause().getMessage().contains("closed"));
        assertThrows(IOException.class, () -> log.read(UNIT, key(1)));
    }

    @Test
    void recordCrcIsBoundToItsLog() throws Exception {
        java.util.UUID mine = java.util.UUID.randomUUID();
        java.util.UUID other = java.util.UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(128);
        RecordCodec.encode(b, UNIT, 0, key(1), ByteBuffer.wrap(value(1, 40)), 7, 0, 0, mine);
        b.flip();
        assertEquals(7, RecordCodec.decode(b.duplicate(), 1024, mine).seq());
        assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b.duplicate(), 1024, other));
        assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b.duplicate(), 1024));
    }

    @Test
    void freshLogHasBothSlotsAndABlankSlotIsReported() throws Exception {
        try (LogStructuredLog log = create(8L * SEG + (1 << 20))) {
            assertTrue(log.stats().problems().isEmpty(), log.stats().problems().toString());
            for (int i = 0; i < 10; i++) {
                log.append(UNIT, key(i), ByteBuffer.wrap(value(i, 100))).join();
            }
            log.delete(UNIT, key(3)).join();
        } // the clean close writes checkpoint generation 2 into slot B
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            f.seek(Layout.SLOT_B);
            f.write(new byte[4096]);
        }
        try (LogStructuredLog log = reopen()) {
            // recovery falls back to slot A (generation 1) and replays the whole log, the delete included
            assertTrue(log.stats().problems().stream().anyMatch(p -> p.contains("slot B")), log.stats().problems().toString());
            assertNull(log.read(UNIT, key(3)));
            assertArrayEquals(value(4, 100), bytes(log.read(UNIT, key(4))));
        }
    }
}
