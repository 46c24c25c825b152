package org.stateos.store.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.stateos.store.MalformedUnitException;
import org.stateos.store.UnitId;

/** Byte helpers of the store's own records: minimal unsigned LEB128 varints, big-endian longs, bounded reads. */
final class Bytes {
    private Bytes() {}

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] toArray(ByteBuffer b) {
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array(); // the engine's reads hand over a fresh array: no second copy of a unit
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** A growable output with the encodings the store's records use. */
    static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        Out varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
            return this;
        }

        Out u8(int v) {
            write(v);
            return this;
        }

        Out u32(int v) {
            for (int i = 3; i >= 0; i--) {
                write(v >>> (8 * i));
            }
            return this;
        }

        Out u64(long v) {
            for (int i = 7; i >= 0; i--) {
                write((int) (v >>> (8 * i)));
            }
            return this;
        }

        Out bytes(byte[] b) {
            write(b, 0, b.length);
            return this;
        }

        Out lengthPrefixed(byte[] b) {
            return varint(b.length).bytes(b);
        }

        Out unitId(UnitId id) {
            return bytes(id.bytes());
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    /** A bounded reader: every length is checked against what is left and its maximum before allocation. */
    static final class In {
        private final byte[] b;
        private int pos;
        private final String what;

        In(byte[] b, String what) {
            this.b = b;
            this.what = what;
        }

        MalformedUnitException error(String m) {
            return new MalformedUnitException(what + ": " + m + " (at byte " + pos + ")");
        }

        int remaining() {
            return b.length - pos;
        }

        void need(long n) throws MalformedUnitException {
            if (n > remaining()) {
                throw error("needs " + n + " bytes, only " + remaining() + " left");
            }
        }

        int u8() throws MalformedUnitException {
            need(1);
            return b[pos++] & 0xff;
        }

        int u32() throws MalformedUnitException {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }

        long u64() throws MalformedUnitException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }

        long varint(long max) throws MalformedUnitException {
            int start = pos;
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    throw error("varint longer than 10 bytes");
                }
                int x = u8();
                if (shift == 63 && (x & 0x7e) != 0) {
                    throw error("varint overflows 64 bits");
                }
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    if (x == 0 && pos - start > 1) {
                        throw error("non-minimal varint");
                    }
                    break;
                }
            }
            if (v < 0 || v > max) {
                throw error("value " + Long.toUnsignedString(v) + " exceeds the maximum " + max);
            }
            return v;
        }

        byte[] bytes(int n) throws MalformedUnitException {
            need(n);
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }

        byte[] lengthPrefixed(int max) throws MalformedUnitException {
            return bytes((int) varint(max));
        }

        String utf8(int max) throws MalformedUnitException {
            return new String(lengthPrefixed(max), StandardCharsets.UTF_8);
        }

        UnitId unitId() throws MalformedUnitException {
            need(UnitId.LENGTH);
            try {
                UnitId id = UnitId.fromBytes(b, pos, UnitId.LENGTH);
                pos += UnitId.LENGTH;
                return id;
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        void end() throws MalformedUnitException {
            if (pos != b.length) {
                throw error((b.length - pos) + " trailing bytes");
            }
        }
    }
}
