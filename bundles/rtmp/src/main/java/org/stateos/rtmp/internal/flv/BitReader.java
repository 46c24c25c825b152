package org.stateos.rtmp.internal.flv;

/** Reads bits, and Exp-Golomb codes, from a byte array (most significant bit first), refusing to read past its end. */
final class BitReader {
    private final byte[] data;
    private final int end;
    private long bit; // position in bits

    BitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.end = offset + length;
        this.bit = (long) offset * 8;
    }

    long bitsLeft() {
        return (long) end * 8 - bit;
    }

    int u1() throws FlvFormatException {
        if (bit >= (long) end * 8) {
            throw new FlvFormatException("bitstream ends early");
        }
        int b = (data[(int) (bit >>> 3)] >> (7 - (int) (bit & 7))) & 1;
        bit++;
        return b;
    }

    int u(int n) throws FlvFormatException {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | u1();
        }
        return v;
    }

    void skip(int n) throws FlvFormatException {
        if (bitsLeft() < n) {
            throw new FlvFormatException("bitstream ends early");
        }
        bit += n;
    }

    /** Unsigned Exp-Golomb ue(v); values beyond 2^31-2 are refused. */
    int ue() throws FlvFormatException {
        int zeros = 0;
        while (u1() == 0) {
            if (++zeros > 30) {
                throw new FlvFormatException("Exp-Golomb code with more than 30 leading zeros");
            }
        }
        return (1 << zeros) - 1 + u(zeros);
    }

    /** Signed Exp-Golomb se(v). */
    int se() throws FlvFormatException {
        int k = ue();
        return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    }
}
