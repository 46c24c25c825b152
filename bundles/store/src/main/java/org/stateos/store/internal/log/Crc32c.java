package org.stateos.store.internal.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C helpers, chiefly {@link #combine}: the CRC of A‖B from the CRCs of A and B and the length of B.
 *
 * <p>Why: a record's CRC covers its header (which holds the sequence number and the previous record's CRC, known
 * only when the writer lays the record out) and then its key and value. Combining lets the appending thread hash
 * the (large) key and value in parallel, before the record has a place in the log, and leaves the writer thread
 * only the 44-byte header prefix to hash. The algorithm is zlib's crc32_combine (multiplication by x^(8·len)
 * modulo the polynomial, in the reflected bit order), over the Castagnoli polynomial.
 */
public final class Crc32c {
    private static final int POLY = 0x82F63B78; // reflected Castagnoli polynomial
    private static final int[] X2N = new int[32]; // x^(2^n) mod P

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int n = 1; n < 32; n++) {
            X2N[n] = p = multModP(p, p);
        }
    }

    private Crc32c() {
    }

    /** CRC32C of {@code b} from its position to its limit; the buffer is left unchanged. */
    public static int of(byte[] key, ByteBuffer value) {
        CRC32C c = new CRC32C();
        c.update(key);
        if (value != null && value.hasRemaining()) {
            c.update(value.duplicate());
        }
        return (int) c.getValue();
    }

    /** CRC32C of A‖B given crcA = CRC32C(A), crcB = CRC32C(B) and lenB = |B|. */
    public static int combine(int crcA, int crcB, long lenB) {
        return multModP(x2nModP(lenB, 3), crcA) ^ crcB;
    }

    /** a·b modulo P, in reflected bit order. */
    private static int multModP(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        while (true) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return p;
    }

    /** x^(n·2^k) modulo P. */
    private static int x2nModP(long n, int k) {
        int p = 1 << 31; // x^0
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}
