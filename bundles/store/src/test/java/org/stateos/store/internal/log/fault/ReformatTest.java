package org.stateos.store.internal.log.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.stateos.store.internal.log.RecordLog;

/**
 * A device formatted anew still holds the old log's records past the new log's head (format zeroes only its
 * header). Recovery after a crash must never take them for the new log's records. Found by the SIGKILL crash
 * test, which formats its image again when it fills: LogStructuredLog.lookAhead() took the old log's records
 * (higher sequence numbers, a valid CRC chain among themselves) for a later commit batch, reported mid-log
 * corruption and replayed them into the index.
 */
class ReformatTest {
    static final int IMAGE_BYTES = 8 << 20;
    static final byte KIND = 1;

    @Test
    void recordsOfAPreviousFormatNeverComeBackAfterACrash() throws Exception {
        Random random = new Random(3);
        PowerLossDevice device = new PowerLossDevice(IMAGE_BYTES, 4096);
        TestLogs.format(device);
        // The old log: many records, so its sequence numbers run far past the new log's.
        try (RecordLog old = TestLogs.open(device)) {
            for (int i = 0; i < 300; i++) {
                byte[] v = new byte[500 + random.nextInt(3000)];
                random.nextBytes(v);
                old.append(KIND, ("old-" + i).getBytes(StandardCharsets.US_ASCII), ByteBuffer.wrap(v)).join();
            }
        }
        device = new PowerLossDevice(device.durableImage(), 4096);
        TestLogs.format(device);
        device.force();
        RecordLog fresh = TestLogs.open(device);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] v = new byte[100];
            random.nextBytes(v);
            values.add(v);
            fresh.append(KIND, ("new-" + i).getBytes(StandardCharsets.US_ASCII), ByteBuffer.wrap(v)).join();
        }
        // A crash: everything acknowledged is durable, nothing else; no clean checkpoint.
        device.cutPower(random, PowerLossDevice.CutMode.DROP_ALL);
        try {
            fresh.close();
        } catch (Exception expected) {
            // the device is dead
        }

        try (RecordLog log = TestLogs.open(new PowerLossDevice(device.durableImage(), 4096))) {
            List<String> keys = new ArrayList<>();
            log.forEachKey(KIND, k -> keys.add(new String(k, StandardCharsets.US_ASCII)));
            keys.sort(null);
            assertEquals(List.of("new-0", "new-1", "new-2", "new-3", "new-4"), keys,
                    "records of the previous format came back; engine reports " + log.stats().problems());
            for (int i = 0; i < 5; i++) {
                ByteBuffer got = log.read(KIND, ("new-" + i).getBytes(StandardCharsets.US_ASCII));
                assertNotNull(got);
                assertArrayEquals(values.get(i), PowerLossTest.bytes(got));
            }
            assertEquals(0, TestLogs.corruptRecords(log), "an ordinary crash is not corruption; engine reports "
                    + log.stats().problems());
        }
    }
}
