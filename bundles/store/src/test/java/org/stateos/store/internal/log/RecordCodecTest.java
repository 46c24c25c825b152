package org.stateos.store.internal.log;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordCodecTest {
    @Test
    void aCrcCombinedFromKeyAndValueGivesTheSameRecordBytes() throws Exception {
        java.util.Random rnd = new java.util.Random(3);
        java.util.UUID log = new java.util.UUID(rnd.nextLong(), rnd.nextLong());
        for (int valueLen : new int[] {0, 1, 7, 8, 4095, 262144}) {
            byte[] key = new byte[rnd.nextInt(65)];
            byte[] value = new byte[valueLen];
            rnd.nextBytes(key);
            rnd.nextBytes(value);
            ByteBuffer a = ByteBuffer.allocate(RecordCodec.encodedLength(key.length, valueLen));
            ByteBuffer b = ByteBuffer.allocate(a.capacity());
            int ca = RecordCodec.encode(a, (byte) 5, 0, key, ByteBuffer.wrap(value), 42, 0x1234, 3, log);
            int cb = RecordCodec.encode(b, (byte) 5, 0, key, ByteBuffer.wrap(value), 42, 0x1234, 3, log,
                    Crc32c.of(key, ByteBuffer.wrap(value)));
            assertEquals(ca, cb, "CRC for a value of " + valueLen);
            assertArrayEquals(a.array(), b.array(), "bytes for a value of " + valueLen);
            assertEquals(valueLen, RecordCodec.decode(b.flip(), 1 << 20, log).value().remaining());
        }
    }

    @Test
    void crc32cCombineMatchesTheCrcOfTheConcatenation() {
        byte[] all = "the quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= all.length; split++) {
            java.util.zip.CRC32C whole = new java.util.zip.CRC32C();
            whole.update(all);
            java.util.zip.CRC32C a = new java.util.zip.CRC32C();
            a.update(all, 0, split);
            java.util.zip.CRC32C b = new java.util.zip.CRC32C();
            b.update(all, split, all.length - split);
            assertEquals((int) whole.getValue(), Crc32c.combine((int) a.getValue(), (int) b.getValue(), all.length - split),
                    "split at " + split);
        }
    }

    private static ByteBuffer encoded(byte kind, int flags, byte[] key, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(RecordCodec.encodedLength(key.length, value.length));
        RecordCodec.encode(b, kind, flags, key, ByteBuffer.wrap(value), 42, 0x1234, 3);
        return b.flip();
    }

    @Test
    void roundTripsARecordAndMovesPastItsPadding() throws Exception {
        byte[] key = "unit-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = "hello, disk".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = encoded((byte) 7, 0, key, value);
        assertEquals(0, b.limit() % 8);
        DecodedRecord r = RecordCodec.decode(b, 1024);
        assertEquals(7, r.kind());
        assertArrayEquals(key, r.key());
        byte[] v = new byte[r.value().remaining()];
        r.value().get(v);
        assertArrayEquals(value, v);
        assertEquals(42, r.seq());
        assertEquals(0x1234, r.prevCrc());
        assertEquals(39, r.batchFirstSeq());
        assertEquals(b.limit(), b.position());
        assertEquals(32 + key.length + value.length, r.length());
    }

    @Test
    void roundTripsADeleteAndAnEmptyKey() throws Exception {
        DecodedRecord r = RecordCodec.decode(encoded((byte) 1, RecordCodec.FLAG_DELETE, new byte[0], new byte[0]), 0);
        assertTrue(r.isDelete());
        assertEquals(0, r.key().length);
        assertEquals(0, r.value().remaining());
    }

    @Test
    void decodesConsecutiveRecords() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(256);
        int c1 = RecordCodec.encode(b, (byte) 1, 0, new byte[] {1}, ByteBuffer.wrap(new byte[5]), 1, 0, 0);
        RecordCodec.encode(b, (byte) 2, 0, new byte[] {2}, ByteBuffer.wrap(new byte[9]), 2, c1, 1);
        b.flip();
        DecodedRecord a = RecordCodec.decode(b, 100);
        DecodedRecord n = RecordCodec.decode(b, 100);
        assertEquals(a.crc(), n.prevCrc());
        assertEquals(2, n.kind());
        assertEquals(b.limit(), b.position());
    }

    @Test
    void rejectsATruncatedHeader() {
        ByteBuffer b = encoded((byte) 1, 0, new byte[] {1}, new byte[10]);
        b.limit(20);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 100));
        assertTrue(e.reason().contains("truncated header"), e.reason());
        assertEquals(0, b.position(), "position unchanged on failure");
    }

    @Test
    void rejectsBadMagic() {
        ByteBuffer b = encoded((byte) 1, 0, new byte[] {1}, new byte[10]);
        b.put(0, (byte) 'X');
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 100)).reason().contains("magic"));
    }

    @Test
    void rejectsAKeyLongerThanTheMaximumBeforeReadingIt() {
        ByteBuffer b = encoded((byte) 1, 0, new byte[] {1}, new byte[10]);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) 65);
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 100)).reason().contains("key length"));
    }

    @Test
    void rejectsAValueLongerThanTheMaximumOrThanWhatIsLeft() {
        ByteBuffer b = encoded((byte) 1, 0, new byte[] {1}, new byte[100]);
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 99)).reason()
                .contains("exceeds maximum"));
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1); // 4 GiB - 1: an unsigned length, never a negative one
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, Integer.MAX_VALUE)).reason()
                .contains("exceeds maximum"));
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1000);
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 5000)).reason()
                .contains("truncated record"));
        ByteBuffer c = encoded((byte) 1, 0, new byte[] {1}, new byte[100]);
        c.limit(100);
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(c, 1000)).reason()
                .contains("truncated record"));
    }

    @Test
    void rejectsUnknownFlagsAndADeleteWithAValue() {
        ByteBuffer b = encoded((byte) 1, 0, new byte[] {1}, new byte[4]);
        b.put(5, (byte) 2);
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 100)).reason().contains("flags"));
        ByteBuffer c = encoded((byte) 1, 0, new byte[] {1}, new byte[4]);
        c.put(5, (byte) RecordCodec.FLAG_DELETE);
        assertTrue(assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(c, 100)).reason().contains("delete"));
    }

    @Test
    void detectsAnySingleBitFlipWithTheCrc() {
        ByteBuffer clean = encoded((byte) 9, 0, "k".getBytes(StandardCharsets.UTF_8), new byte[40]);
        int len = 32 + 1 + 40;
        for (int bit = 0; bit < len * 8; bit++) {
            ByteBuffer b = ByteBuffer.allocate(clean.limit());
            b.put(clean.duplicate()).flip();
            b.put(bit / 8, (byte) (b.get(bit / 8) ^ (1 << (bit % 8))));
            assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(b, 1 << 20), "bit " + bit);
        }
    }

    @Test
    void peekLengthAnnouncesTheLengthOrMinusOne() {
        ByteBuffer b = encoded((byte) 1, 0, new byte[] {1, 2}, new byte[10]);
        assertEquals(44, RecordCodec.peekLength(b, 100));
        assertEquals(-1, RecordCodec.peekLength(b, 9));
        assertEquals(-1, RecordCodec.peekLength(ByteBuffer.allocate(64), 100));
    }

    @Test
    void encodeRefusesAnOversizedKey() {
        ByteBuffer b = ByteBuffer.allocate(1024);
        assertThrows(IllegalArgumentException.class,
                () -> RecordCodec.encode(b, (byte) 1, 0, new byte[65], ByteBuffer.allocate(0), 1, 0, 0));
    }
}
