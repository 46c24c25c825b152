package org.stateos.loadclient.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlvStamperTest {
    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xDA, 0x02};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

    /** An FLV stream: header, an AVC sequence header, a keyframe (AUD, SPS, IDR), an audio tag, a P frame. */
    static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0});
        byte[] avcc = {1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1, 0, 6, 0x67, 0x42, (byte) 0xC0, 0x1E,
                (byte) 0xDA, 0x02, 1, 0, 4, 0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
        tag(out, 9, 0, concat(new byte[] {0x17, 0, 0, 0, 0}, avcc));
        tag(out, 9, 0, concat(new byte[] {0x17, 1, 0, 0, 0}, nals(new byte[] {9, (byte) 0xF0}, SPS,
                new byte[] {0x65, (byte) 0x88, 0, 0, 0, 1, 2, 3})));
        tag(out, 8, 10, new byte[] {(byte) 0xAF, 1, 0x21, 0x10});
        tag(out, 9, 33, concat(new byte[] {0x27, 1, 0, 0, 0}, nals(new byte[] {0x41, (byte) 0x9A, 1, 2})));
        return out.toByteArray();
    }

    static void tag(ByteArrayOutputStream out, int type, int ts, byte[] data) {
        out.writeBytes(new byte[] {(byte) type, (byte) (data.length >>> 16), (byte) (data.length >>> 8), (byte) data.length,
                (byte) (ts >>> 16), (byte) (ts >>> 8), (byte) ts, 0, 0, 0, 0});
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(11 + data.length).array());
    }

    static byte[] nals(byte[]... units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] u : units) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(u.length).array());
            out.writeBytes(u);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The tags of an FLV stream (type, data), checking every PreviousTagSize on the way. */
    static List<byte[]> tags(byte[] flv) {
        ByteBuffer b = ByteBuffer.wrap(flv);
        b.position(13);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int type = b.get() & 0xFF;
            int size = ((b.get() & 0xFF) << 16) | ((b.get() & 0xFF) << 8) | (b.get() & 0xFF);
            b.position(b.position() + 7);
            byte[] data = new byte[size + 1];
            data[0] = (byte) type;
            b.get(data, 1, size);
            assertEquals(11 + size, b.getInt(), "PreviousTagSize");
            out.add(data);
        }
        return out;
    }

    @Test
    void stampsEveryCodedVideoTagBeforeItsFirstSliceAndFixesTheSizes() throws Exception {
        long[] clock = {1_000_000};
        FlvStamper stamper = new FlvStamper(1 << 20, () -> clock[0]++);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stamper.filter(new ByteArrayInputStream(stream()), out);
        List<byte[]> in = tags(stream());
        List<byte[]> got = tags(out.toByteArray());
        assertEquals(4, got.size());
        assertArrayEquals(in.get(0), got.get(0), "sequence header unchanged");
        assertArrayEquals(in.get(2), got.get(2), "audio unchanged");
        assertEquals(2, stamper.stamped());
        byte[] sei0 = StampSei.nal(1_000_000);
        byte[] key = got.get(1);
        // AUD, SPS, then the SEI, then the IDR slice
        int seiAt = 1 + 5 + 4 + 2 + 4 + SPS.length;
        assertEquals(sei0.length, ByteBuffer.wrap(key, seiAt, 4).getInt());
        assertEquals(1_000_000, StampSei.read(key, seiAt + 4, sei0.length));
        assertEquals(0x65, key[seiAt + 4 + sei0.length + 4] & 0xFF);
        byte[] p = got.get(3);
        assertEquals(1_000_001, StampSei.read(p, 1 + 5 + 4, StampSei.nal(1_000_001).length));
    }

    @Test
    void passesAVideoTagWhoseNalUnitsOverrunUnchanged() {
        byte[] data = concat(new byte[] {0x27, 1, 0, 0, 0}, new byte[] {0, 0, 0, 9, 0x41, 1});
        assertArrayEquals(data, FlvStamper.insert(data, 4, StampSei.nal(1)));
    }

    @Test
    void refusesATagOverTheLimitAndATruncatedStream() {
        byte[] s = stream();
        assertThrows(FlvFormatException.class, () -> new FlvStamper(16, () -> 0).filter(new ByteArrayInputStream(s),
                new ByteArrayOutputStream()));
        byte[] cut = java.util.Arrays.copyOf(s, s.length - 3);
        assertThrows(EOFException.class, () -> new FlvStamper(1 << 20, () -> 0).filter(new ByteArrayInputStream(cut),
                new ByteArrayOutputStream()));
        assertThrows(FlvFormatException.class, () -> new FlvStamper(1 << 20, () -> 0).filter(
                new ByteArrayInputStream("GIF89a...........".getBytes()), new ByteArrayOutputStream()));
    }
}
