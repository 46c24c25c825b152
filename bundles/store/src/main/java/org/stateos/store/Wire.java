package org.stateos.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Byte-level helpers of the canonical encodings: unsigned LEB128 varints (minimal form only), strict UTF-8. */
final class Wire {
    private Wire() {}

    static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    static int putVarint(byte[] dst, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            dst[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        dst[pos++] = (byte) v;
        return pos;
    }

    /**
     * A cursor over bytes that checks every read against what is left. It reads a buffer by absolute index (a heap
     * array wrapped, or a unit viewed in the store's read buffer), never moving the buffer's own position.
     */
    static final class Reader {
        private final ByteBuffer b;
        private int pos;
        private final int end;
        private final String what;

        Reader(byte[] b, int pos, int end, String what) {
            this(ByteBuffer.wrap(b), pos, end, what);
        }

        Reader(ByteBuffer b, int pos, int end, String what) {
            this.b = b;
            this.pos = pos;
            this.end = end;
            this.what = what;
        }

        int pos() {
            return pos;
        }

        int remaining() {
            return end - pos;
        }

        MalformedUnitException error(String message) {
            return new MalformedUnitException(what + ": " + message + " (at byte " + pos + ")");
        }

        int u8() throws MalformedUnitException {
            if (pos >= end) {
                throw error("truncated");
            }
            return b.get(pos++) & 0xff;
        }

        /** A minimal unsigned LEB128 varint of at most {@code max}; refuses overlong and non-minimal forms. */
        long varint(long max, String field) throws MalformedUnitException {
            int start = pos;
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    pos = start;
                    throw error(field + ": varint longer than 10 bytes");
                }
                if (pos >= end) {
                    pos = start;
                    throw error(field + ": truncated varint");
                }
                int x = b.get(pos++) & 0xff;
                if (shift == 63 && (x & 0x7e) != 0) {
                    pos = start;
                    throw error(field + ": varint overflows 64 bits");
                }
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    if (x == 0 && pos - start > 1) {
                        pos = start;
                        throw error(field + ": non-minimal varint");
                    }
                    break;
                }
            }
            if (v < 0 || v > max) {
                pos = start;
                throw error(field + " " + Long.toUnsignedString(v) + " exceeds the maximum " + max);
            }
            return v;
        }

        /** Checks that {@code n} bytes are left before anything of that size is allocated. */
        void need(long n, String field) throws MalformedUnitException {
            if (n > remaining()) {
                throw error(field + " needs " + n + " bytes, only " + remaining() + " left");
            }
        }

        byte[] bytes(int n, String field) throws MalformedUnitException {
            need(n, field);
            byte[] out = new byte[n];
            b.get(pos, out);
            pos += n;
            return out;
        }

        String utf8(int n, String field) throws MalformedUnitException {
            need(n, field);
            String s;
            try {
                s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(b.slice(pos, n)).toString();
            } catch (CharacterCodingException e) {
                throw error(field + " is not well-formed UTF-8");
            }
            String bad = controlCharacter(s);
            if (bad != null) {
                throw error(field + " contains control character " + bad);
            }
            pos += n;
            return s;
        }

        UnitId unitId(String field) throws MalformedUnitException {
            need(UnitId.LENGTH, field);
            byte[] multihash = new byte[UnitId.LENGTH];
            b.get(pos, multihash);
            try {
                UnitId id = UnitId.fromBytes(multihash);
                pos += UnitId.LENGTH;
                return id;
            } catch (IllegalArgumentException e) {
                throw error(field + ": " + e.getMessage());
            }
        }

        long u64() throws MalformedUnitException {
            need(8, "u64");
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b.get(pos++) & 0xff);
            }
            return v;
        }

        void end() throws MalformedUnitException {
            if (pos != end) {
                throw error((end - pos) + " trailing bytes");
            }
        }
    }

    /** The first control character (C0, DEL, C1) of {@code s} as U+XXXX, or null. */
    static String controlCharacter(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return String.format("U+%04X", (int) c);
            }
        }
        return null;
    }

    /** UTF-8 of {@code s}; refuses unpaired surrogates, which getBytes would silently turn into '?'. */
    static byte[] utf8(String s, String field) {
        try {
            ByteBuffer bb = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(field + " is not valid Unicode (unpaired surrogate)");
        }
    }
}
