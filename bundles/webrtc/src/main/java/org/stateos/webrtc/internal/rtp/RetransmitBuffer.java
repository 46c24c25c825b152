package org.stateos.webrtc.internal.rtp;

import io.netty.buffer.ByteBuf;

/**
 * The last N packets of one RTP stream, by sequence number, for answering NACKs (RFC 4585 6.2.1) with the same
 * packet. Holds plain (unprotected) copies, because the transport encrypts what it sends in place. Entries older
 * than the age limit are not resent: a packet that late is useless to the receiver's jitter buffer.
 *
 * <p>Not thread-safe (its session's event loop). {@link #close()} releases every packet.
 */
public final class RetransmitBuffer implements AutoCloseable {
    private final ByteBuf[] packets;
    private final int[] sequences;
    private final long[] storedNanos;
    private final int mask;
    private final long maxAgeNanos;

    /**
     * @param capacity   packets kept, rounded up to a power of two (at least 16)
     * @param maxAgeMillis packets older than this are not resent
     */
    public RetransmitBuffer(int capacity, long maxAgeMillis) {
        int size = Integer.highestOneBit(Math.max(16, Math.min(capacity, 1 << 16)) - 1) << 1;
        packets = new ByteBuf[size];
        sequences = new int[size];
        storedNanos = new long[size];
        mask = size - 1;
        maxAgeNanos = maxAgeMillis * 1_000_000L;
    }

    public int capacity() {
        return packets.length;
    }

    /** Keeps {@code packet} (takes over the reference), replacing the packet {@code capacity} numbers earlier. */
    public void store(ByteBuf packet, long nowNanos) {
        int seq = packet.getUnsignedShort(packet.readerIndex() + 2);
        int slot = seq & mask;
        ByteBuf old = packets[slot];
        if (old != null) {
            old.release();
        }
        packets[slot] = packet;
        sequences[slot] = seq;
        storedNanos[slot] = nowNanos;
    }

    /**
     * A copy of packet {@code seq} with {@code headroom} writable bytes after it (the SRTP trailer), or null when
     * it is gone or too old.
     */
    public ByteBuf copy(int seq, long nowNanos, io.netty.buffer.ByteBufAllocator alloc, int headroom) {
        int slot = seq & mask;
        ByteBuf p = packets[slot];
        if (p == null || sequences[slot] != (seq & 0xffff) || nowNanos - storedNanos[slot] > maxAgeNanos) {
            return null;
        }
        ByteBuf copy = alloc.buffer(p.readableBytes() + headroom);
        copy.writeBytes(p, p.readerIndex(), p.readableBytes());
        return copy;
    }

    /** Packets held now. */
    public int size() {
        int n = 0;
        for (ByteBuf p : packets) {
            n += p == null ? 0 : 1;
        }
        return n;
    }

    @Override
    public void close() {
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
    }
}
