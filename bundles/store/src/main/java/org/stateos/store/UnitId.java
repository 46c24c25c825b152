package org.stateos.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A unit's id: a multihash of the unit's canonical encoding. Bytes: {@code 0x12} (sha2-256), {@code 0x20}
 * (32 bytes), then the 32-byte SHA-256 digest: 34 bytes in all. Text: multibase base32, lower case, RFC 4648
 * alphabet without padding, prefix {@code b}: 56 characters, e.g. {@code bciq...}.
 *
 * <p>Only sha2-256 is accepted today. The code byte is there so that a later hash can be added without
 * changing the format: readers then accept both, and the encoding of a link carries its own length.
 */
public final class UnitId implements Comparable<UnitId> {
    /** Multihash code of sha2-256. */
    public static final int SHA2_256 = 0x12;
    public static final int DIGEST_LENGTH = 32;
    /** Bytes of the binary form (code, length, digest). */
    public static final int LENGTH = 2 + DIGEST_LENGTH;
    /** Characters of the text form. */
    public static final int TEXT_LENGTH = 1 + (LENGTH * 8 + 4) / 5;

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final byte[] multihash;

    private UnitId(byte[] multihash) {
        this.multihash = multihash;
    }

    /** The id of a unit whose canonical encoding is {@code canonicalEncoding}. */
    public static UnitId of(byte[] canonicalEncoding) {
        return of(canonicalEncoding, 0, canonicalEncoding.length);
    }

    public static UnitId of(byte[] bytes, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(bytes, offset, length);
        return fromDigest(sha.digest());
    }

    /** The id of the canonical encoding in {@code canonicalEncoding}'s remaining bytes (its position is not moved). */
    public static UnitId of(ByteBuffer canonicalEncoding) {
        MessageDigest sha = sha256();
        sha.update(canonicalEncoding.duplicate());
        return fromDigest(sha.digest());
    }

    /** Wraps a 32-byte SHA-256 digest. */
    public static UnitId fromDigest(byte[] digest) {
        if (digest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("a sha2-256 digest is 32 bytes, got " + digest.length);
        }
        byte[] mh = new byte[LENGTH];
        mh[0] = (byte) SHA2_256;
        mh[1] = (byte) DIGEST_LENGTH;
        System.arraycopy(digest, 0, mh, 2, DIGEST_LENGTH);
        return new UnitId(mh);
    }

    /** Reads the 34-byte multihash form; refuses any other hash code or digest length. */
    public static UnitId fromBytes(byte[] multihash) {
        return fromBytes(multihash, 0, multihash.length);
    }

    public static UnitId fromBytes(byte[] bytes, int offset, int length) {
        if (length != LENGTH) {
            throw new IllegalArgumentException("a unit id is " + LENGTH + " bytes, got " + length);
        }
        int code = bytes[offset] & 0xff;
        int len = bytes[offset + 1] & 0xff;
        if (code != SHA2_256) {
            throw new IllegalArgumentException(String.format("unsupported multihash code 0x%02x (only 0x12 sha2-256)", code));
        }
        if (len != DIGEST_LENGTH) {
            throw new IllegalArgumentException("sha2-256 multihash with digest length " + len + ", expected 32");
        }
        return new UnitId(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
    }

    /**
     * Parses the text form. Strict: prefix {@code b}, exactly {@value #TEXT_LENGTH} characters of the lower-case
     * base32 alphabet, unused trailing bits zero, hash code 0x12 and length 0x20. Upper case, padding and
     * white space are refused, so one id has exactly one text form.
     */
    public static UnitId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("unit id is null");
        }
        if (text.length() != TEXT_LENGTH) {
            throw new IllegalArgumentException("a unit id is " + TEXT_LENGTH + " characters, got " + text.length());
        }
        if (text.charAt(0) != 'b') {
            throw new IllegalArgumentException("a unit id starts with 'b' (multibase base32), got '" + printable(text.charAt(0)) + "'");
        }
        byte[] out = new byte[LENGTH];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            int v;
            if (c >= 'a' && c <= 'z') {
                v = c - 'a';
            } else if (c >= '2' && c <= '7') {
                v = c - '2' + 26;
            } else {
                throw new IllegalArgumentException("character '" + printable(c) + "' at " + i + " is not lower-case base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        if (buffer != 0) {
            throw new IllegalArgumentException("non-canonical base32: unused trailing bits are not zero");
        }
        return fromBytes(out);
    }

    /** The 34-byte multihash (a copy). */
    public byte[] bytes() {
        return multihash.clone();
    }

    /** The 32-byte digest (a copy). */
    public byte[] digest() {
        return Arrays.copyOfRange(multihash, 2, LENGTH);
    }

    /** Writes the 34 multihash bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(multihash, 0, dst, offset, LENGTH);
    }

    /** The text form: "b" + lower-case base32 of the multihash. */
    public String format() {
        StringBuilder sb = new StringBuilder(TEXT_LENGTH).append('b');
        int buffer = 0;
        int bits = 0;
        for (byte b : multihash) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                sb.append(ALPHABET[(buffer >> bits) & 31]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /** The first 16 characters: enough to tell units apart on a console. */
    public String shortForm() {
        return format().substring(0, 16);
    }

    /** True when {@code canonicalEncoding} hashes to this id. */
    public boolean matches(byte[] canonicalEncoding) {
        return matches(canonicalEncoding, 0, canonicalEncoding.length);
    }

    public boolean matches(byte[] bytes, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(bytes, offset, length);
        return MessageDigest.isEqual(sha.digest(), Arrays.copyOfRange(multihash, 2, LENGTH));
    }

    @Override
    public int compareTo(UnitId o) {
        return Arrays.compareUnsigned(multihash, o.multihash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitId other && Arrays.equals(multihash, other.multihash);
    }

    @Override
    public int hashCode() {
        // The digest is uniformly distributed: its first bytes make a good hash code.
        return (multihash[2] & 0xff) << 24 | (multihash[3] & 0xff) << 16 | (multihash[4] & 0xff) << 8 | (multihash[5] & 0xff);
    }

    @Override
    public String toString() {
        return format();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    private static String printable(char c) {
        return c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
