package org.stateos.webrtc.internal.rtp;

/**
 * The RTP payloads of one access unit, made once and shared by every viewer of the stream: single NAL units,
 * FU-A fragments and the STAP-A with the parameter sets, back to back in one array. A viewer adds only its own
 * 12-byte header (SSRC, sequence number, timestamp); the marker bit belongs on the last packet. Immutable once
 * built, so any thread may read it; the NACK buffers keep a reference instead of a copy of each packet.
 */
public final class PacketizedFrame {
    private final byte[] data;
    private final int[] offsets;
    private final int[] lengths;
    private final int count;

    PacketizedFrame(byte[] data, int[] offsets, int[] lengths, int count) {
        this.data = data;
        this.offsets = offsets;
        this.lengths = lengths;
        this.count = count;
    }

    /** Packets in the access unit. */
    public int count() {
        return count;
    }

    /** The shared array: do not change it. */
    public byte[] data() {
        return data;
    }

    public int offset(int packet) {
        return offsets[packet];
    }

    public int length(int packet) {
        return lengths[packet];
    }

    /** Whether packet {@code packet} carries the marker bit (the access unit's last packet). */
    public boolean marker(int packet) {
        return packet == count - 1;
    }

    /** Payload bytes of every packet together. */
    public int payloadBytes() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += lengths[i];
        }
        return n;
    }
}
