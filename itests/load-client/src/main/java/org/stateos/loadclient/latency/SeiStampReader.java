package org.stateos.loadclient.latency;

import java.util.Arrays;

/**
 * Finds the {@link StampSei} stamp in a received H264 RTP stream (RFC 6184: single NAL unit packets, STAP-A, FU-A;
 * a fragmented SEI is reassembled) and reports, once per access unit, the stamp and the arrival time of the access
 * unit's last packet (the marker bit). One thread only (the viewer's reactor).
 */
public final class SeiStampReader {
    /** Told once per stamped access unit. */
    @FunctionalInterface
    public interface Sink {
        void accessUnit(long stampMicros, long lastPacketMicros);
    }

    static final int STAP_A = 24;
    static final int FU_A = 28;

    private final Sink sink;
    private final java.util.function.LongSupplier clockMicros;
    private boolean any;
    private int timestamp;
    private long stamp = -1;
    private byte[] fu = new byte[256];
    private int fuLength = -1; // -1: no SEI fragment under way
    private long stampedUnits;

    public SeiStampReader(Sink sink, java.util.function.LongSupplier clockMicros) {
        this.sink = sink;
        this.clockMicros = clockMicros;
    }

    /** One RTP packet's timestamp, marker bit and payload ({@code p[off..off+len)}). */
    public void onPacket(int rtpTimestamp, boolean marker, byte[] p, int off, int len) {
        if (!any || rtpTimestamp != timestamp) {
            any = true;
            timestamp = rtpTimestamp;
            stamp = -1;
            fuLength = -1;
        }
        if (len >= 1 && off >= 0 && off + len <= p.length) {
            int type = p[off] & 0x1F;
            if (type == StampSei.NAL_SEI) {
                found(StampSei.read(p, off, len));
            } else if (type == STAP_A) {
                stapA(p, off, len);
            } else if (type == FU_A && len >= 2) {
                fuA(p, off, len);
            }
        }
        if (marker && stamp >= 0) {
            sink.accessUnit(stamp, clockMicros.getAsLong());
            stampedUnits++;
            stamp = -1;
        }
    }

    public long stampedUnits() {
        return stampedUnits;
    }

    private void found(long v) {
        if (v >= 0 && stamp < 0) {
            stamp = v;
        }
    }

    private void stapA(byte[] p, int off, int len) {
        int pos = off + 1;
        int end = off + len;
        while (pos + 2 <= end) {
            int size = ((p[pos] & 0xFF) << 8) | (p[pos + 1] & 0xFF);
            pos += 2;
            if (size == 0 || size > end - pos) {
                return;
            }
            if ((p[pos] & 0x1F) == StampSei.NAL_SEI) {
                found(StampSei.read(p, pos, size));
            }
            pos += size;
        }
    }

    private void fuA(byte[] p, int off, int len) {
        int header = p[off + 1] & 0xFF;
        if ((header & 0x1F) != StampSei.NAL_SEI) {
            return;
        }
        boolean start = (header & 0x80) != 0;
        boolean end = (header & 0x40) != 0;
        if (start) {
            fuLength = 0;
            append((byte) ((p[off] & 0xE0) | StampSei.NAL_SEI));
        } else if (fuLength < 0) {
            return; // the start was lost
        }
        for (int i = off + 2; i < off + len && fuLength >= 0; i++) {
            append(p[i]);
        }
        if (end && fuLength > 0) {
            found(StampSei.read(fu, 0, fuLength));
            fuLength = -1;
        }
    }

    private void append(byte b) {
        if (fuLength >= StampSei.MAX_SEI_BYTES) {
            fuLength = -1; // too long to be ours: give up on this one
            return;
        }
        if (fuLength == fu.length) {
            fu = Arrays.copyOf(fu, Math.min(StampSei.MAX_SEI_BYTES, fu.length * 2));
        }
        fu[fuLength++] = b;
    }
}
