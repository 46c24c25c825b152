package org.stateos.store.internal.log.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Timeout;
import org.stateos.store.internal.log.CorruptRecordException;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.fault.PowerLossDevice;
import org.stateos.store.internal.log.fault.TestLogs;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes recovery on corrupted images. A small valid image (records of two kinds, a delete, a clean close)
 * is made once; the fuzzer flips bits, overwrites bytes and runs at offsets it chooses, then {@code open()} must
 * either fail with an IOException or succeed, and then every read returns the appended bytes, nothing, or a
 * {@link CorruptRecordException} — never other bytes, never another exception type, never a hang (JUnit timeout)
 * and never a huge allocation (checked with the thread's allocation counter). {@code mvn test} replays
 * {@code src/test/resources/org/stateos/store/internal/log/fuzz/RecoveryFuzzTestInputs/recover/};
 * {@code JAZZER_FUZZ=1} fuzzes for the annotation's 10 minutes, one fuzz test per run, and keeps a finding there:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl bundles/store -Dtest=RecoveryFuzzTest -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 * (The per-input {@code @Timeout} becomes libFuzzer's -timeout; JUnit's own timeout must be off while fuzzing or it
 * also times the whole 10-minute run.)
 */
class RecoveryFuzzTest {
    /** The 1 MiB header (superblock, checkpoint slots) and 8 segments of 64 KiB. */
    static final int IMAGE_BYTES = (1 << 20) + 8 * 64 * 1024;
    static final int ALIGNMENT = 4096;
    static final byte[] KINDS = {1, 2};
    /** Far above what opening a 1 MiB image needs, far below what a trusted bogus length would ask for. */
    static final long OPEN_ALLOCATION_LIMIT = 256L << 20;

    static final byte[] IMAGE;
    /** The used part of the image (up to its last non-zero byte): where mutations are aimed. */
    static final int USED;
    /** Where each key sits in the clean image, for failure messages. */
    static final String LAYOUT;
    /** Every value appended, by kind and key, including the deleted one. */
    static final Map<String, byte[]> VALUES = new HashMap<>();
    static final java.util.Set<String> DELETED = new java.util.HashSet<>();
    static final List<byte[]> KEYS = new ArrayList<>();
    static final List<Byte> KEY_KINDS = new ArrayList<>();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        try {
            Random random = new Random(1);
            PowerLossDevice device = new PowerLossDevice(IMAGE_BYTES, ALIGNMENT);
            TestLogs.format(device, TestLogs.tinyConfig());
            try (RecordLog log = TestLogs.open(device, TestLogs.tinyConfig())) {
                List<CompletableFuture<Void>> all = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    byte kind = KINDS[i % 2];
                    byte[] key = new byte[1 + random.nextInt(RecordLog.MAX_KEY_BYTES)];
                    random.nextBytes(key);
                    byte[] value = new byte[i % 5 == 0 ? 0 : random.nextInt(i % 3 == 0 ? 9000 : 300)];
                    random.nextBytes(value);
                    all.add(log.append(kind, key, ByteBuffer.wrap(value)));
                    if (i % 6 == 5) {
                        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                    }
                    KEYS.add(key);
                    KEY_KINDS.add(kind);
                    VALUES.put(id(kind, key), value);
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                // One delete, so recovery has a tombstone to honour.
                log.delete(KEY_KINDS.get(3), KEYS.get(3)).join();
                DELETED.add(id(KEY_KINDS.get(3), KEYS.get(3)));
            }
            IMAGE = device.durableImage();
            int last = IMAGE.length - 1;
            while (last > 0 && IMAGE[last] == 0) {
                last--;
            }
            USED = last + 1;
            StringBuilder layout = new StringBuilder();
            for (int i = 0; i < KEYS.size(); i++) {
                layout.append(i == 0 ? "" : ", ").append(i).append("@")
                        .append(indexOf(IMAGE, KEYS.get(i)));
            }
            LAYOUT = "keys at " + layout + "; used bytes " + USED;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Timeout(20)
    @FuzzTest(maxDuration = "10m")
    void recover(FuzzedDataProvider data) throws IOException {
        byte[] img = IMAGE.clone();
        StringBuilder what = new StringBuilder();
        int mutations = data.consumeInt(1, 16);
        for (int m = 0; m < mutations && data.remainingBytes() > 0; m++) {
            // Mostly inside the used part, sometimes anywhere (a stray write in empty space).
            int at = data.consumeBoolean() ? data.consumeInt(0, USED - 1) : data.consumeInt(0, img.length - 1);
            switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    int bit = data.consumeInt(0, 7);
                    img[at] ^= (byte) (1 << bit);
                    what.append(" flip bit ").append(bit).append(" at ").append(at).append(';');
                }
                case 1 -> {
                    img[at] = data.consumeByte();
                    what.append(" set byte ").append(at).append(';');
                }
                case 2 -> {
                    byte[] run = data.consumeBytes(data.consumeInt(1, 64));
                    System.arraycopy(run, 0, img, at, Math.min(run.length, img.length - at));
                    what.append(" overwrite ").append(run.length).append(" bytes at ").append(at).append(';');
                }
                default -> {
                    // A torn sector: zeroed, as a write that never reached the platters.
                    int sector = at / PowerLossDevice.SECTOR * PowerLossDevice.SECTOR;
                    Arrays.fill(img, sector, sector + PowerLossDevice.SECTOR, (byte) 0);
                    what.append(" zero sector at ").append(sector).append(';');
                }
            }
        }
        try {
            recoverAndCheck(img);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n  damage:" + what + "\n  clean image: " + LAYOUT, e);
        }
    }

    static void recoverAndCheck(byte[] img) throws IOException {
        long tid = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        RecordLog log;
        try {
            log = TestLogs.open(new PowerLossDevice(img, ALIGNMENT), TestLogs.tinyConfig());
        } catch (IOException refused) {
            return; // a clear refusal is a correct outcome
        }
        long allocated = THREADS.getThreadAllocatedBytes(tid) - before;
        try (log) {
            try {
                checkRecovered(log, img, allocated);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "\n  engine reports: " + log.stats().problems(), e);
            }
        }
    }

    private static void checkRecovered(RecordLog log, byte[] img, long allocated) throws IOException {
        if (allocated > OPEN_ALLOCATION_LIMIT) {
                throw new IllegalStateException("open() of a " + img.length + "-byte image allocated " + allocated + " bytes");
            }
            for (int i = 0; i < KEYS.size(); i++) {
                checkRead(log, KEY_KINDS.get(i), KEYS.get(i));
            }
            for (byte kind : KINDS) {
                List<byte[]> listed = new ArrayList<>();
                log.forEachKey(kind, listed::add);
                for (byte[] key : listed) {
                    if (!VALUES.containsKey(id(kind, key))) {
                        throw new IllegalStateException("key never appended is listed: " + id(kind, key));
                    }
                    if (DELETED.contains(id(kind, key)) && !reported(log)) {
                        throw new IllegalStateException("deleted key listed again, and no damage reported: " + id(kind, key));
                    }
                }
            }
    }

    private static void checkRead(RecordLog log, byte kind, byte[] key) throws IOException {
        ByteBuffer got;
        try {
            got = log.read(kind, key);
        } catch (CorruptRecordException reported) {
            return;
        }
        if (got == null) {
            return;
        }
        byte[] expected = VALUES.get(id(kind, key));
        byte[] actual = new byte[got.remaining()];
        got.duplicate().get(actual);
        if (DELETED.contains(id(kind, key)) && !reported(log)) {
            // A damaged tombstone (or the damaged checkpoint that held the delete) may bring its record back,
            // but only if the damage is reported.
            throw new IllegalStateException("deleted record came back, and no damage reported: " + id(kind, key));
        }
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("bad data returned for " + id(kind, key) + ": " + actual.length + " bytes, expected "
                    + expected.length);
        }
    }

    /**
     * Damage is reported when the engine counted a corrupt record or listed a problem (an unusable checkpoint slot,
     * a torn tail): several faults at once can make acknowledged records look like a torn tail, which the engine
     * then drops and reports as one.
     */
    private static boolean reported(RecordLog log) {
        return TestLogs.corruptRecords(log) > 0 || !log.stats().problems().isEmpty();
    }

    static int indexOf(byte[] img, byte[] k) {
        outer:
        for (int i = 0; i + k.length <= img.length; i++) {
            for (int j = 0; j < k.length; j++) {
                if (img[i + j] != k[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String id(byte kind, byte[] key) {
        return kind + ":" + HexFormat.of().formatHex(key);
    }
}
