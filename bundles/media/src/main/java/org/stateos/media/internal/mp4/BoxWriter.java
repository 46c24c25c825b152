package org.stateos.media.internal.mp4;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes ISO BMFF boxes big-endian into a growing array; box sizes are patched when a box ends. */
public final class BoxWriter {
    private byte[] buf;
    private int pos;

    public BoxWriter(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) pos + n);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("MP4 output over 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    /** Starts a box; returns its offset for {@link #end}. */
    public int begin(String type) {
        int start = pos;
        u32(0);
        fourcc(type);
        return start;
    }

    /** Starts a full box (version and flags). */
    public int beginFull(String type, int version, int flags) {
        int start = begin(type);
        u32(((version & 0xFF) << 24) | (flags & 0xFFFFFF));
        return start;
    }

    public void end(int start) {
        patch32(start, pos - start);
    }

    public BoxWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u24(int v) {
        ensure(3);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u32(long v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u64(long v) {
        u32(v >>> 32);
        return u32(v);
    }

    public BoxWriter zeros(int n) {
        ensure(n);
        pos += n;   // the array is zero-filled
        return this;
    }

    public BoxWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public BoxWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    /** The readable bytes of {@code b}, without moving its reader index. */
    public BoxWriter bytes(io.netty.buffer.ByteBuf b) {
        int n = b.readableBytes();
        ensure(n);
        b.getBytes(b.readerIndex(), buf, pos, n);
        pos += n;
        return this;
    }

    /** Room for {@code n} bytes written directly at {@link #position()} by the caller; returns the offset. */
    public int reserve(int n) {
        ensure(n);
        int at = pos;
        pos += n;
        return at;
    }

    public BoxWriter fourcc(String t) {
        byte[] b = t.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != 4) {
            throw new IllegalArgumentException("not a four-character code: " + t);
        }
        return bytes(b);
    }

    public void patch32(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    public int position() {
        return pos;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
