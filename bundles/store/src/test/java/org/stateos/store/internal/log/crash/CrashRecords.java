package org.stateos.store.internal.log.crash;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The records the crash writer appends, derived only from (seed, counter) so the checking side can
 * re-derive every acknowledged value byte for byte. The key is the SHA-256 of the value, as a unit id is.
 */
final class CrashRecords {
    static final byte KIND = 1;
    /** Most values are small (object heads, index pages); one in 16 is a 256 KiB media chunk. */
    static final int CHUNK_BYTES = 256 * 1024;
    static final int SMALL_MAX_BYTES = 16 * 1024;

    private CrashRecords() { }

    static byte[] value(long seed, long counter) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + counter);
        int len = r.nextInt(16) == 0 ? CHUNK_BYTES : 16 + r.nextInt(SMALL_MAX_BYTES - 15);
        byte[] v = new byte[len];
        // The counter is written into the value so two equal keys would mean equal (seed, counter).
        ByteBuffer.wrap(v, 0, Math.min(16, len)).putLong(seed).putLong(counter);
        for (int i = 16; i < len; i += 8) {
            long x = r.nextLong();
            for (int j = 0; j < 8 && i + j < len; j++) {
                v[i + j] = (byte) (x >>> (8 * j));
            }
        }
        return v;
    }

    static byte[] key(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
