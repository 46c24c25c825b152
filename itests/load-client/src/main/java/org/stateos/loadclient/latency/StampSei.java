package org.stateos.loadclient.latency;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The wall-clock stamp a publisher puts into every H264 access unit: one SEI NAL unit (type 6) holding one
 * user_data_unregistered message (payload type 5) = the StateOS UUID {@code "StateOS-latency!"} + the wall clock
 * in microseconds since the epoch, 8 bytes big-endian. Written with emulation prevention (a stamp can contain
 * {@code 00 00 0x}), read back from any SEI NAL unit, also one that carries other messages (x264's version string).
 */
public final class StampSei {
    /** 16 bytes, no zero byte, so the UUID itself never needs emulation prevention. */
    public static final byte[] UUID = "StateOS-latency!".getBytes(StandardCharsets.US_ASCII);
    public static final int NAL_SEI = 6;
    static final int USER_DATA_UNREGISTERED = 5;
    static final int PAYLOAD_BYTES = 16 + 8;
    /** SEI NAL units longer than this are not examined (ours is under 40 bytes; x264's first one ~700). */
    public static final int MAX_SEI_BYTES = 64 * 1024;

    private StampSei() {
    }

    /** The SEI NAL unit (header byte included, no length prefix or start code) carrying {@code micros}. */
    public static byte[] nal(long micros) {
        byte[] rbsp = new byte[2 + PAYLOAD_BYTES + 1];
        rbsp[0] = USER_DATA_UNREGISTERED;
        rbsp[1] = PAYLOAD_BYTES;
        System.arraycopy(UUID, 0, rbsp, 2, 16);
        for (int i = 0; i < 8; i++) {
            rbsp[18 + i] = (byte) (micros >>> (56 - 8 * i));
        }
        rbsp[rbsp.length - 1] = (byte) 0x80; // rbsp_stop_one_bit + alignment
        byte[] out = new byte[1 + rbsp.length + rbsp.length / 2];
        out[0] = NAL_SEI;
        int n = 1;
        int zeros = 0;
        for (byte b : rbsp) {
            if (zeros >= 2 && (b & 0xFF) <= 3) {
                out[n++] = 3; // emulation_prevention_three_byte
                zeros = 0;
            }
            out[n++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The stamp in the NAL unit at {@code p[off..off+len)} (header byte first), or -1 when it is not a SEI NAL
     * unit carrying a StateOS stamp. Never reads outside the range; malformed input gives -1.
     */
    public static long read(byte[] p, int off, int len) {
        if (len < 2 || off < 0 || off + len > p.length || (p[off] & 0x1F) != NAL_SEI || len > MAX_SEI_BYTES) {
            return -1;
        }
        byte[] rbsp = new byte[len - 1];
        int n = 0;
        int zeros = 0;
        for (int i = off + 1; i < off + len; i++) {
            int b = p[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            rbsp[n++] = (byte) b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        int pos = 0;
        while (pos < n && !(pos == n - 1 && (rbsp[pos] & 0xFF) == 0x80)) {
            int type = 0;
            while (pos < n && (rbsp[pos] & 0xFF) == 0xFF) {
                type += 255;
                pos++;
            }
            if (pos >= n) {
                return -1;
            }
            type += rbsp[pos++] & 0xFF;
            int size = 0;
            while (pos < n && (rbsp[pos] & 0xFF) == 0xFF) {
                size += 255;
                pos++;
            }
            if (pos >= n) {
                return -1;
            }
            size += rbsp[pos++] & 0xFF;
            if (size > n - pos) {
                return -1;
            }
            if (type == USER_DATA_UNREGISTERED && size >= PAYLOAD_BYTES && java.util.Arrays.equals(rbsp, pos, pos + 16, UUID, 0, 16)) {
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v = (v << 8) | (rbsp[pos + 16 + i] & 0xFF);
                }
                return v < 0 ? -1 : v;
            }
            pos += size;
        }
        return -1;
    }

    /** Microsecond wall clock (Instant.now() is microsecond-precise on Linux; currentTimeMillis is not). */
    public static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
