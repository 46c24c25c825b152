package org.stateos.store.internal.log.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stateos.store.internal.log.CorruptRecordException;
import org.stateos.store.internal.log.RecordLog;

/**
 * Faults injected into a closed image: bit flips and torn (zeroed or stale) sectors inside one record, a torn
 * tail, and random damage anywhere. Recovery detects and reports them (the engine's corrupt-record counter or a
 * {@link CorruptRecordException}); a damaged record is never returned, and the records around it stay readable.
 */
class CorruptionTest {
    static final int IMAGE_BYTES = 8 << 20;
    static final int ALIGNMENT = 4096;
    static final byte KIND = 1;
    static final int RECORDS = 40;

    /** A cleanly closed image holding {@link #RECORDS} records, and what they hold. */
    static byte[] image;
    static final Map<String, byte[]> values = new LinkedHashMap<>();
    static final List<byte[]> keys = new ArrayList<>();

    @BeforeAll
    static void buildImage() throws Exception {
        Random random = new Random(42);
        PowerLossDevice device = new PowerLossDevice(IMAGE_BYTES, ALIGNMENT);
        TestLogs.format(device);
        try (RecordLog log = TestLogs.open(device)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                byte[] key = new byte[32];
                random.nextBytes(key);
                // Every value is at least 3 sectors so a whole sector can be torn inside it.
                byte[] value = new byte[1536 + random.nextInt(20_000)];
                random.nextBytes(value);
                keys.add(key);
                values.put(hex(key), value);
                all.add(log.append(KIND, key, ByteBuffer.wrap(value)));
                if (i % 7 == 6) {
                    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }
        image = device.durableImage();
    }

    @Test
    void bitFlipInsideARecordIsReportedAndNeverReturned() throws Exception {
        for (int victim : new int[] {0, RECORDS / 2, RECORDS - 1}) {
            byte[] img = image.clone();
            int at = locate(img, victim) + 17;
            img[at] ^= (byte) (1 << (victim % 8));
            assertDamageContained(img, victim, "bit flip at " + at + " in record " + victim);
        }
    }

    @Test
    void zeroedSectorInsideARecordIsReportedAndNeverReturned() throws Exception {
        for (int victim : new int[] {1, RECORDS / 3, RECORDS - 1}) {
            byte[] img = image.clone();
            int start = locate(img, victim);
            int sector = ((start + PowerLossDevice.SECTOR - 1) / PowerLossDevice.SECTOR) * PowerLossDevice.SECTOR;
            java.util.Arrays.fill(img, sector, sector + PowerLossDevice.SECTOR, (byte) 0);
            assertDamageContained(img, victim, "zeroed sector at " + sector + " in record " + victim);
        }
    }

    @Test
    void staleSectorInsideARecordIsReportedAndNeverReturned() throws Exception {
        // A torn write that left the sector's previous contents: here, a sector copied from another record.
        byte[] img = image.clone();
        int victim = RECORDS / 2;
        int start = locate(img, victim);
        int sector = ((start + PowerLossDevice.SECTOR - 1) / PowerLossDevice.SECTOR) * PowerLossDevice.SECTOR;
        int donor = locate(img, 3);
        System.arraycopy(img, donor, img, sector, PowerLossDevice.SECTOR);
        assertDamageContained(img, victim, "stale sector at " + sector + " in record " + victim);
    }

    @Test
    void tornTailIsDroppedAndTheRestRecovers() throws Exception {
        // The last record's end never reached the platters: everything after its first sector is zero.
        byte[] img = image.clone();
        int last = RECORDS - 1;
        int start = locate(img, last);
        int from = ((start + PowerLossDevice.SECTOR - 1) / PowerLossDevice.SECTOR) * PowerLossDevice.SECTOR;
        int end = start + values.get(hex(keys.get(last))).length;
        java.util.Arrays.fill(img, from, Math.max(from, end), (byte) 0);
        try (RecordLog log = TestLogs.open(new PowerLossDevice(img, ALIGNMENT))) {
            for (int i = 0; i < last; i++) {
                ByteBuffer got = log.read(KIND, keys.get(i));
                assertNotNull(got, "record " + i + " lost after a torn tail");
                assertArrayEquals(values.get(hex(keys.get(i))), PowerLossTest.bytes(got), "record " + i + " differs after a torn tail");
            }
            try {
                ByteBuffer got = log.read(KIND, keys.get(last));
                if (got != null) {
                    fail("the torn record was returned (" + got.remaining() + " bytes)");
                }
            } catch (CorruptRecordException expected) {
                // reported: fine
            }
        }
    }

    @Test
    void randomDamageAnywhereNeverYieldsBadData() throws Exception {
        Random random = new Random(7);
        int used = lastNonZero(image) + 1;
        int opened = 0;
        int refused = 0;
        for (int round = 0; round < 60; round++) {
            byte[] img = image.clone();
            int flips = 1 + random.nextInt(8);
            StringBuilder what = new StringBuilder("round " + round + ":");
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(used);
                img[at] ^= (byte) (1 << random.nextInt(8));
                what.append(' ').append(at);
            }
            RecordLog log;
            try {
                log = TestLogs.open(new PowerLossDevice(img, ALIGNMENT));
            } catch (CorruptRecordException | RuntimeException e) {
                if (e instanceof RuntimeException) {
                    throw new AssertionError("open() threw " + e + " instead of an IOException; flips at " + what, e);
                }
                refused++;
                continue;
            } catch (IOException e) {
                refused++;
                continue;
            }
            opened++;
            try (log) {
                checkNeverBad(log, what.toString());
            }
        }
        System.out.printf("CorruptionTest: random damage: %d images opened, %d refused with an IOException%n", opened, refused);
        assertTrue(opened > 0, "no damaged image opened at all: recovery gives up too easily");
    }

    /** Opens the damaged image: the victim is reported (never returned), every other record reads back intact. */
    private static void assertDamageContained(byte[] img, int victim, String what) throws IOException {
        RecordLog log;
        try {
            log = TestLogs.open(new PowerLossDevice(img, ALIGNMENT));
        } catch (IOException e) {
            throw new AssertionError("open() refused an image with one damaged record (" + what + ")", e);
        }
        try (log) {
            long corruptAtOpen = TestLogs.corruptRecords(log);
            boolean reported = corruptAtOpen > 0;
            try {
                ByteBuffer got = log.read(KIND, keys.get(victim));
                if (got != null) {
                    fail("damaged record returned (" + what + "): "
                            + (java.util.Arrays.equals(PowerLossTest.bytes(got), values.get(hex(keys.get(victim))))
                            ? "the damage was not where the test thought" : "BAD DATA"));
                }
            } catch (CorruptRecordException e) {
                reported = true;
            }
            reported |= TestLogs.corruptRecords(log) > 0;
            assertTrue(reported, "damaged record silently dropped, not reported (" + what + ")");
            for (int i = 0; i < RECORDS; i++) {
                if (i == victim) {
                    continue;
                }
                ByteBuffer got;
                try {
                    got = log.read(KIND, keys.get(i));
                } catch (CorruptRecordException e) {
                    throw new AssertionError("record " + i + " reported corrupt though only record " + victim + " was damaged (" + what + ")", e);
                }
                assertNotNull(got, "record " + i + " lost though only record " + victim + " was damaged (" + what + ")");
                assertArrayEquals(values.get(hex(keys.get(i))), PowerLossTest.bytes(got), "record " + i + " differs (" + what + ")");
            }
        }
    }

    /** Every read returns the appended bytes, nothing, or a CorruptRecordException; listed keys were appended. */
    static void checkNeverBad(RecordLog log, String what) throws IOException {
        for (byte[] key : keys) {
            try {
                ByteBuffer got = log.read(KIND, key);
                if (got != null) {
                    assertArrayEquals(values.get(hex(key)), PowerLossTest.bytes(got), "bad data returned for " + hex(key) + " after " + what);
                }
            } catch (CorruptRecordException e) {
                // reported, not returned: fine
            }
        }
        List<byte[]> listed = new ArrayList<>();
        log.forEachKey(KIND, listed::add);
        for (byte[] key : listed) {
            if (!values.containsKey(hex(key))) {
                fail("a key that was never appended is listed after " + what + ": " + hex(key));
            }
        }
    }

    /** Offset in {@code img} of the first 64 bytes of record {@code i}'s value (values are random: unique). */
    static int locate(byte[] img, int i) {
        byte[] v = values.get(hex(keys.get(i)));
        int n = Math.min(64, v.length);
        outer:
        for (int at = 0; at + n <= img.length; at++) {
            for (int j = 0; j < n; j++) {
                if (img[at + j] != v[j]) {
                    continue outer;
                }
            }
            return at;
        }
        throw new AssertionError("record " + i + "'s value is not stored verbatim in the image: the test cannot aim its damage");
    }

    static int lastNonZero(byte[] img) {
        for (int i = img.length - 1; i >= 0; i--) {
            if (img[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
