package org.stateos.webrtc.internal.rtp;

/**
 * The last N packets of one RTP stream, by sequence number, for answering NACKs (RFC 4585 6.2.1) with the same
 * packet. Holds no copy of a packet: a reference to the frame's shared payloads ({@link PacketizedFrame}, the same
 * object for every viewer of the stream), the packet's index in it and its RTP timestamp; the header is written
 * again and the packet protected again when it is resent. Entries older than the age limit are not resent: a packet
 * that late is useless to the receiver's jitter buffer.
 *
 * <p>Not thread-safe (its session's event loop). {@link #close()} drops every reference.
 */
public final class RetransmitBuffer implements AutoCloseable {
    private final PacketizedFrame[] frames;
    private final int[] packetIndexes;
    private final int[] timestamps;
    private final int[] sequences;
    private final long[] storedNanos;
    private final long[] resentNanos;
    private final int mask;
    private final long maxAgeNanos;

    /**
     * A packet is resent at most once in this many milliseconds, however often it is NACKed: a receiver asks again
     * only after a round trip, so repeats within it are a broken or hostile peer (an amplification: one small RTCP
     * packet can name 2048 sequence numbers).
     */
    public static final int MIN_RESEND_GAP_MS = 20;
    private static final long MIN_RESEND_GAP_NANOS = MIN_RESEND_GAP_MS * 1_000_000L;

    /** A packet to resend: where its payload is and the header fields it had. */
    public record Entry(PacketizedFrame frame, int packet, int sequence, int timestamp) {
        public boolean marker() {
            return frame.marker(packet);
        }
    }

    /**
     * @param capacity   packets kept, rounded up to a power of two (at least 16)
     * @param maxAgeMillis packets older than this are not resent
     */
    public RetransmitBuffer(int capacity, long maxAgeMillis) {
        int size = Integer.highestOneBit(Math.max(16, Math.min(capacity, 1 << 16)) - 1) << 1;
        frames = new PacketizedFrame[size];
        packetIndexes = new int[size];
        timestamps = new int[size];
        sequences = new int[size];
        storedNanos = new long[size];
        resentNanos = new long[size];
        mask = size - 1;
        maxAgeNanos = maxAgeMillis * 1_000_000L;
    }

    public int capacity() {
        return frames.length;
    }

    /** Keeps packet {@code packet} of {@code frame}, sent as {@code seq}, replacing the one {@code capacity} numbers earlier. */
    public void store(int seq, PacketizedFrame frame, int packet, int rtpTimestamp, long nowNanos) {
        int slot = seq & mask;
        frames[slot] = frame;
        packetIndexes[slot] = packet;
        timestamps[slot] = rtpTimestamp;
        sequences[slot] = seq & 0xffff;
        storedNanos[slot] = nowNanos;
        resentNanos[slot] = nowNanos - MIN_RESEND_GAP_NANOS - 1;
    }

    /** True when packet {@code seq} (held now) was resent less than {@link #MIN_RESEND_GAP_MS} ago. */
    public boolean resentRecently(int seq, long nowNanos) {
        return nowNanos - resentNanos[seq & mask] <= MIN_RESEND_GAP_NANOS;
    }

    /** Notes that packet {@code seq} (held now) was resent at {@code nowNanos}. */
    public void resent(int seq, long nowNanos) {
        resentNanos[seq & mask] = nowNanos;
    }

    /** Packet {@code seq}, or null when it is gone or too old. */
    public Entry get(int seq, long nowNanos) {
        int slot = seq & mask;
        PacketizedFrame f = frames[slot];
        if (f == null || sequences[slot] != (seq & 0xffff) || nowNanos - storedNanos[slot] > maxAgeNanos) {
            return null;
        }
        return new Entry(f, packetIndexes[slot], sequences[slot], timestamps[slot]);
    }

    /** Packets held now. */
    public int size() {
        int n = 0;
        for (PacketizedFrame f : frames) {
            n += f == null ? 0 : 1;
        }
        return n;
    }

    @Override
    public void close() {
        java.util.Arrays.fill(frames, null);
    }
}
