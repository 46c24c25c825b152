package org.stateos.store.internal.log.fuzz;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.store.internal.log.CorruptRecordException;
import org.stateos.store.internal.log.DecodedRecord;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.RecordCodec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the record decoder on arbitrary bytes: it returns a record within the limits or throws
 * {@link CorruptRecordException}, nothing else, and never allocates more than the configured maximum value
 * (plus a little) whatever the length fields say. {@code mvn test} replays
 * {@code src/test/resources/org/stateos/store/internal/log/fuzz/RecordCodecFuzzTestInputs/decode/};
 * {@code JAZZER_FUZZ=1} fuzzes for the annotation's 10 minutes, one fuzz test per run, and keeps a finding there:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl bundles/store -Dtest=RecordCodecFuzzTest -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 * (The per-input {@code @Timeout} becomes libFuzzer's -timeout; JUnit's own timeout must be off while fuzzing or it
 * also times the whole 10-minute run.)
 */
class RecordCodecFuzzTest {
    /** Small, so an allocation driven by an unchecked length field stands out. */
    static final int MAX_VALUE_BYTES = 64 * 1024;
    /** Allocation allowed beyond the value: the record object, the key, a header, instrumentation. */
    static final long ALLOCATION_SLACK = 1 << 20;
    static final UUID LOG_ID = new UUID(0x5354415445L, 0x4f53L);
    static final UUID OTHER_LOG_ID = new UUID(0x5354415445L, 0x4f54L);

    /**
     * Seeds made at test time (no binary seed file in the tree): valid records of each shape the engine
     * writes, so the fuzzer starts past the magic and the length checks.
     */
    static Stream<byte[]> validRecords() {
        byte[] key = new byte[RecordLog.MAX_KEY_BYTES];
        Arrays.fill(key, (byte) 7);
        return Stream.of(
                record((byte) 0x10, 0, new byte[] {1, 2, 3}, "small".getBytes(), LOG_ID),
                record((byte) 0x10, 0, new byte[] {4}, new byte[0], null),
                record((byte) 0x12, RecordCodec.FLAG_DELETE, new byte[] {5, 6}, new byte[0], LOG_ID),
                record((byte) 0x11, 0, key, new byte[1000], null),
                record(RecordCodec.KIND_SEGMENT_HEADER, 0, new byte[] {9}, new byte[16], LOG_ID));
    }

    private static byte[] record(byte kind, int flags, byte[] key, byte[] value, UUID logId) {
        ByteBuffer dst = ByteBuffer.allocate(RecordCodec.encodedLength(key.length, value.length));
        RecordCodec.encode(dst, kind, flags, key, ByteBuffer.wrap(value), 42, 0x1234, 0, logId);
        return dst.array();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    // 30 s, not 10: the first input also pays Jazzer's agent install (a class path scan), which took over 10 s at
    // a load average of 9 on the 2-core build box. A decode that hangs still fails.
    @Timeout(30)
    @MethodSource("validRecords")
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) {
        decodeOne(data, ByteBuffer.wrap(data), null);
        // The engine decodes from direct buffers (O_DIRECT reads), with the CRC bound to its log's uuid.
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
        direct.put(data).flip();
        decodeOne(data, direct, LOG_ID);
        // Once more with the header's CRC made right, so the fuzzer gets past the checksum to what follows it.
        byte[] fixed = withValidCrc(data, LOG_ID);
        if (fixed != null) {
            decodeOne(fixed, ByteBuffer.wrap(fixed), LOG_ID);
            // A record of another log (another format of the device) never passes for one of ours.
            try {
                RecordCodec.decode(ByteBuffer.wrap(fixed), MAX_VALUE_BYTES, OTHER_LOG_ID);
                throw new IllegalStateException("a record bound to one log decoded as a record of another");
            } catch (CorruptRecordException expected) {
                // the CRC binds the record to its log
            }
        }
    }

    /** {@code data} with the CRC field recomputed over what its header announces, or null when it cannot be. */
    static byte[] withValidCrc(byte[] data, UUID logId) {
        if (data.length < RecordCodec.HEADER_BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data.clone()).order(ByteOrder.LITTLE_ENDIAN);
        long len = RecordCodec.HEADER_BYTES + (b.getShort(6) & 0xFFFF) + Integer.toUnsignedLong(b.getInt(8));
        if (len > data.length) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(logId.getMostSignificantBits())
                .putLong(logId.getLeastSignificantBits()).flip());
        crc.update(data, 0, 28);
        crc.update(data, RecordCodec.HEADER_BYTES, (int) len - RecordCodec.HEADER_BYTES);
        b.putInt(28, (int) crc.getValue());
        return b.array();
    }

    private static void decodeOne(byte[] data, ByteBuffer input, UUID logId) {
        int length = data.length;
        // Decode once unmeasured: the first pass over a path loads and initialises classes (exception messages,
        // formatters), which allocates megabytes once and is not the decoder's doing. The measured pass follows.
        try {
            RecordCodec.decode(input.duplicate(), MAX_VALUE_BYTES, logId);
        } catch (CorruptRecordException ignored) {
            // checked below
        }
        long tid = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        DecodedRecord record = null;
        try {
            record = RecordCodec.decode(input, MAX_VALUE_BYTES, logId);
        } catch (CorruptRecordException expected) {
            // the only failure allowed; it leaves the position where it was
            if (input.position() != 0) {
                throw new IllegalStateException("a failed decode moved the position to " + input.position());
            }
        }
        long allocated = THREADS.getThreadAllocatedBytes(tid) - before;
        if (allocated > 2L * length + MAX_VALUE_BYTES + ALLOCATION_SLACK) {
            throw new IllegalStateException("decode allocated " + allocated + " bytes for a " + length + "-byte input (max value "
                    + MAX_VALUE_BYTES + ")");
        }
        if (record != null) {
            if (input.position() != Math.min(record.encodedLength(), length)) {
                throw new IllegalStateException("decode left the position at " + input.position() + ", not after the record");
            }
            if (record.key() == null || record.key().length > RecordLog.MAX_KEY_BYTES) {
                throw new IllegalStateException("decoded key of " + (record.key() == null ? "null" : record.key().length + " bytes"));
            }
            if (record.value() == null || record.value().remaining() > MAX_VALUE_BYTES) {
                throw new IllegalStateException("decoded value over the maximum: " + record.value());
            }
            if (record.length() > length || record.length() > record.encodedLength() || record.length() <= 0) {
                throw new IllegalStateException("decoded lengths inconsistent with a " + length + "-byte input: length "
                        + record.length() + ", encoded " + record.encodedLength());
            }
            if (RecordCodec.HEADER_BYTES + record.key().length + record.value().remaining() != record.length()) {
                throw new IllegalStateException("header + key + value != record length " + record.length());
            }
            // What was decoded encodes back to the very same bytes (padding aside).
            ByteBuffer again = ByteBuffer.allocate(record.encodedLength());
            RecordCodec.encode(again, record.kind(), record.flags(), record.key(), record.value(), record.seq(), record.prevCrc(),
                    record.batchDelta(), logId);
            if (!Arrays.equals(again.array(), 0, record.length(), data, 0, record.length())) {
                throw new IllegalStateException("decode/encode round trip changed the record");
            }
        }
    }
}
