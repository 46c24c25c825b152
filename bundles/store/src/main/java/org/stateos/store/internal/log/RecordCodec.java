package org.stateos.store.internal.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes one log record (see FORMAT.md, "Record"). Pure functions over ByteBuffers, no I/O and no
 * state, so they can be fuzzed. Every length is checked against what is left in the buffer and against its
 * maximum before anything is allocated or read; every failure is a {@link CorruptRecordException} with a reason.
 *
 * <pre>
 * off len field (little-endian)
 *  0   4  magic 0x43455253 ("SREC" as bytes)
 *  4   1  kind
 *  5   1  flags (bit 0: delete; other bits 0)
 *  6   2  key length   (0..64)
 *  8   4  value length (0..maxValueBytes; 0 for a delete)
 * 12   4  prevCrc: CRC32C of the previous record of the log
 * 16   8  seq
 * 24   4  batchDelta: seq - first seq of its commit batch
 * 28   4  CRC32C over the log's uuid (16 bytes), bytes 0..27, key, value
 * 32      key, value, then zero padding to a multiple of 8
 * </pre>
 *
 * <p>The CRC binds a record to its log: it covers the 16-byte log uuid (most significant 8 bytes, then least
 * significant 8 bytes, each little-endian) before the header, so records of a previous format of the same device
 * fail the CRC check of the new log. The overloads without a uuid (no prefix) exist for codec-level tests only.
 */
public final class RecordCodec {
    public static final int MAGIC = 0x43455253; // bytes 'S' 'R' 'E' 'C' in little-endian order
    public static final int HEADER_BYTES = 32;
    public static final int ALIGN = 8;
    public static final int FLAG_DELETE = 1;
    public static final int MAX_KEY_BYTES = RecordLog.MAX_KEY_BYTES;

    /** Kinds 0xF0..0xFF belong to the engine. */
    public static final int FIRST_RESERVED_KIND = 0xF0;
    public static final byte KIND_SEGMENT_HEADER = (byte) 0xF1;
    public static final byte KIND_NEXT_SEGMENT = (byte) 0xF2;
    public static final byte KIND_CHECKPOINT = (byte) 0xF3;

    private RecordCodec() {
    }

    public static boolean isReservedKind(byte kind) {
        return (kind & 0xFF) >= FIRST_RESERVED_KIND;
    }

    /** Header + key + value, without padding. */
    public static int length(int keyBytes, int valueBytes) {
        return HEADER_BYTES + keyBytes + valueBytes;
    }

    /** The space a record takes in the log: its length padded to 8 bytes. */
    public static int encodedLength(int keyBytes, int valueBytes) {
        return align8(length(keyBytes, valueBytes));
    }

    static int align8(int n) {
        return (n + ALIGN - 1) & -ALIGN;
    }

    /**
     * Writes one record at {@code dst.position()} and advances it by {@link #encodedLength} (padding zeroed).
     * {@code value} is read from its position to its limit and left unchanged.
     *
     * @return the record's CRC32C (the next record's prevCrc)
     */
    public static int encode(ByteBuffer dst, byte kind, int flags, byte[] key, ByteBuffer value, long seq,
                             int prevCrc, int batchDelta) {
        return encode(dst, kind, flags, key, value, seq, prevCrc, batchDelta, null);
    }

    /**
     * As {@link #encode(ByteBuffer, byte, int, byte[], ByteBuffer, long, int, int)}, with the CRC bound to the log
     * {@code logId} (null: not bound).
     */
    public static int encode(ByteBuffer dst, byte kind, int flags, byte[] key, ByteBuffer value, long seq,
                             int prevCrc, int batchDelta, UUID logId) {
        int valueLen = value == null ? 0 : value.remaining();
        if (key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key of " + key.length + " bytes exceeds " + MAX_KEY_BYTES);
        }
        if ((flags & ~FLAG_DELETE) != 0) {
            throw new IllegalArgumentException("unknown flags " + flags);
        }
        int total = encodedLength(key.length, valueLen);
        if (dst.remaining() < total) {
            throw new IllegalArgumentException("record of " + total + " bytes does not fit in " + dst.remaining());
        }
        ByteBuffer d = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = d.position();
        d.putInt(MAGIC).put(kind).put((byte) flags).putShort((short) key.length).putInt(valueLen)
                .putInt(prevCrc).putLong(seq).putInt(batchDelta);
        CRC32C crc = newCrc(logId);
        crc.update(d.duplicate().position(start).limit(start + 28));
        crc.update(key);
        if (valueLen > 0) {
            crc.update(value.duplicate());
        }
        int c = (int) crc.getValue();
        d.putInt(c).put(key);
        if (valueLen > 0) {
            d.put(value.duplicate());
        }
        for (int i = length(key.length, valueLen); i < total; i++) {
            d.put((byte) 0);
        }
        dst.position(start + total);
        return c;
    }

    /**
     * As {@link #encode(ByteBuffer, byte, int, byte[], ByteBuffer, long, int, int, UUID)}, given
     * {@code keyValueCrc} = CRC32C(key ‖ value) computed beforehand (by the appending thread): only the uuid and
     * header are hashed here, and the record's CRC is combined from both ({@link Crc32c#combine}). Same bytes.
     */
    public static int encode(ByteBuffer dst, byte kind, int flags, byte[] key, ByteBuffer value, long seq,
                             int prevCrc, int batchDelta, UUID logId, int keyValueCrc) {
        int valueLen = value == null ? 0 : value.remaining();
        if (key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key of " + key.length + " bytes exceeds " + MAX_KEY_BYTES);
        }
        if ((flags & ~FLAG_DELETE) != 0) {
            throw new IllegalArgumentException("unknown flags " + flags);
        }
        int total = encodedLength(key.length, valueLen);
        if (dst.remaining() < total) {
            throw new IllegalArgumentException("record of " + total + " bytes does not fit in " + dst.remaining());
        }
        ByteBuffer d = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = d.position();
        d.putInt(MAGIC).put(kind).put((byte) flags).putShort((short) key.length).putInt(valueLen)
                .putInt(prevCrc).putLong(seq).putInt(batchDelta);
        CRC32C crc = newCrc(logId);
        crc.update(d.duplicate().position(start).limit(start + 28));
        int c = Crc32c.combine((int) crc.getValue(), keyValueCrc, (long) key.length + valueLen);
        d.putInt(c).put(key);
        if (valueLen > 0) {
            d.put(value.duplicate());
        }
        for (int i = length(key.length, valueLen); i < total; i++) {
            d.put((byte) 0);
        }
        dst.position(start + total);
        return c;
    }

    /**
     * The record length (header + key + value, no padding) announced by the header at {@code buf.position()},
     * or -1 when the header is not plausible (too short, bad magic, lengths or flags out of range). Does not
     * check the CRC and does not move the position. Used to size reads before {@link #decode}.
     */
    public static int peekLength(ByteBuffer buf, int maxValueBytes) {
        if (buf.remaining() < HEADER_BYTES) {
            return -1;
        }
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        if (b.getInt(p) != MAGIC) {
            return -1;
        }
        int flags = b.get(p + 5) & 0xFF;
        int keyLen = b.getShort(p + 6) & 0xFFFF;
        long valueLen = Integer.toUnsignedLong(b.getInt(p + 8));
        if ((flags & ~FLAG_DELETE) != 0 || keyLen > MAX_KEY_BYTES || valueLen > maxValueBytes
                || ((flags & FLAG_DELETE) != 0 && valueLen != 0)) {
            return -1;
        }
        return length(keyLen, (int) valueLen);
    }

    /**
     * Decodes the record at {@code buf.position()}. On success the position moves past the record and its
     * padding (or to the limit when the buffer ends inside the padding); on failure it is unchanged.
     *
     * @param maxValueBytes the largest value accepted; larger announced lengths are rejected unread
     * @throws CorruptRecordException naming the first check that failed
     */
    public static DecodedRecord decode(ByteBuffer buf, int maxValueBytes) throws CorruptRecordException {
        return decode(buf, maxValueBytes, null);
    }

    /** As {@link #decode(ByteBuffer, int)}, checking the CRC as bound to the log {@code logId} (null: not bound). */
    public static DecodedRecord decode(ByteBuffer buf, int maxValueBytes, UUID logId) throws CorruptRecordException {
        if (maxValueBytes < 0) {
            throw new IllegalArgumentException("maxValueBytes " + maxValueBytes);
        }
        int left = buf.remaining();
        if (left < HEADER_BYTES) {
            throw new CorruptRecordException("truncated header: " + left + " of " + HEADER_BYTES + " bytes");
        }
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        int magic = b.getInt(p);
        if (magic != MAGIC) {
            throw new CorruptRecordException(String.format("bad record magic 0x%08x", magic));
        }
        byte kind = b.get(p + 4);
        int flags = b.get(p + 5) & 0xFF;
        int keyLen = b.getShort(p + 6) & 0xFFFF;
        long valueLen = Integer.toUnsignedLong(b.getInt(p + 8));
        int prevCrc = b.getInt(p + 12);
        long seq = b.getLong(p + 16);
        int batchDelta = b.getInt(p + 24);
        int storedCrc = b.getInt(p + 28);
        if ((flags & ~FLAG_DELETE) != 0) {
            throw new CorruptRecordException("unknown flags 0x" + Integer.toHexString(flags));
        }
        if (keyLen > MAX_KEY_BYTES) {
            throw new CorruptRecordException("key length " + keyLen + " exceeds " + MAX_KEY_BYTES);
        }
        if (valueLen > maxValueBytes) {
            throw new CorruptRecordException("value length " + valueLen + " exceeds maximum " + maxValueBytes);
        }
        if ((flags & FLAG_DELETE) != 0 && valueLen != 0) {
            throw new CorruptRecordException("delete record with a value of " + valueLen + " bytes");
        }
        if (seq < 0) {
            throw new CorruptRecordException("negative sequence number " + seq);
        }
        long len = (long) HEADER_BYTES + keyLen + valueLen;
        if (len > left) {
            throw new CorruptRecordException("truncated record: needs " + len + " bytes, " + left + " left");
        }
        CRC32C crc = newCrc(logId);
        crc.update(b.duplicate().position(p).limit(p + 28));
        crc.update(b.duplicate().position(p + HEADER_BYTES).limit((int) (p + len)));
        int actual = (int) crc.getValue();
        if (actual != storedCrc) {
            throw new CorruptRecordException(String.format("CRC32C mismatch: stored 0x%08x, computed 0x%08x (seq %d)",
                    storedCrc, actual, seq));
        }
        byte[] key = new byte[keyLen];
        b.position(p + HEADER_BYTES);
        b.get(key);
        ByteBuffer value = buf.duplicate().position(p + HEADER_BYTES + keyLen).limit((int) (p + len)).slice()
                .asReadOnlyBuffer();
        int encoded = align8((int) len);
        buf.position(p + Math.min(encoded, left));
        return new DecodedRecord(kind, flags, key, value, seq, prevCrc, batchDelta, actual, (int) len, encoded);
    }

    /** A CRC32C that has already consumed the log's uuid (16 bytes, little-endian msb then lsb), when given. */
    private static CRC32C newCrc(UUID logId) {
        CRC32C crc = new CRC32C();
        if (logId != null) {
            crc.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(logId.getMostSignificantBits()).putLong(logId.getLeastSignificantBits()).flip());
        }
        return crc;
    }
}
