package org.stateos.webrtc.internal.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * The seam between a WebRTC session (SDP, packetizers, RTCP logic) and the secure transport under it
 * (ICE-lite, DTLS, SRTP on the shared UDP port). One per peer connection; made by
 * {@link TransportService#open}.
 *
 * <p>Threads: every method may be called from any thread; listener callbacks run on the transport's event
 * loop ({@link #eventLoop()}), one at a time, so a session that does its work on that loop needs no locks.
 */
public interface PeerTransport extends AutoCloseable {

    /** Our ICE credentials and DTLS fingerprint, for the SDP answer. */
    LocalParameters local();

    /** The loop the listener runs on; sessions schedule their own work (pacing, timers) here too. */
    io.netty.channel.EventLoop eventLoop();

    /** Connected: ICE nominated a pair and DTLS finished with SRTP keys. Packets can be sent. */
    boolean isConnected();

    /** The peer's selected address, once ICE has one. */
    InetSocketAddress remoteAddress();

    /**
     * Protects and sends one RTP packet. Takes over the buffer's reference (released when sent or dropped).
     * The buffer holds a complete plain RTP packet; it may be modified in place and needs
     * {@link #SRTP_TRAILER_BYTES} writable bytes beyond its end for the tag (allocate with that headroom).
     * Dropped silently before {@link #isConnected()}.
     */
    void sendRtp(ByteBuf plainRtp);

    /**
     * Protects and sends a copy of one plain RTP packet; the caller keeps {@code plainRtp}, unchanged, and its
     * reference (a NACK buffer holds it). The transport protects straight into its output buffer: one pass
     * over the payload instead of a copy and then an in-place pass. This default copies and calls
     * {@link #sendRtp}.
     */
    default void sendRtpCopy(ByteBuf plainRtp) {
        ByteBuf copy = plainRtp.alloc().buffer(plainRtp.readableBytes() + SRTP_TRAILER_BYTES);
        copy.writeBytes(plainRtp, plainRtp.readerIndex(), plainRtp.readableBytes());
        sendRtp(copy);
    }

    /**
     * Protects and sends the RTP packet {@code header} (12 bytes, no CSRC or extension) + {@code payload[offset,
     * offset + length)}: the fan-out path, where the payload array is shared by every viewer of a frame and the
     * header is the viewer's own. Neither array is changed or kept. This default builds a packet and calls
     * {@link #sendRtp}.
     */
    default void sendRtp(byte[] header, byte[] payload, int offset, int length) {
        ByteBuf p = io.netty.buffer.Unpooled.buffer(header.length + length + SRTP_TRAILER_BYTES);
        p.writeBytes(header);
        p.writeBytes(payload, offset, length);
        sendRtp(p);
    }

    /**
     * Starts a burst: the RTP packets sent through {@link #sendRtp(byte[], byte[], int, int)} until
     * {@link #endBurst} (one frame to this peer, on {@link #eventLoop()}, within one task) may be held back and
     * leave together in one system call (UDP segmentation offload). This default does nothing.
     */
    default void beginBurst() {
    }

    /** Sends what the burst holds; every packet of it has left or been queued when this returns. */
    default void endBurst() {
    }

    /** As {@link #sendRtp} for one compound RTCP packet. */
    void sendRtcp(ByteBuf plainRtcp);

    /** Packets and bytes sent and received, for stats. */
    TransportStats stats();

    /** Ends the transport (DTLS close_notify where connected). The listener hears {@code onClosed} once. */
    @Override
    void close();

    /** Bytes SRTP appends: a 16-byte tag (GCM) or 10-byte HMAC tag (CTR); SRTCP adds 4 bytes of index. */
    int SRTP_TRAILER_BYTES = 16 + 4;

    /** What the answer needs from the transport. */
    record LocalParameters(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint,
            java.util.List<InetSocketAddress> candidates) {
    }

    record TransportStats(long packetsSent, long bytesSent, long packetsReceived, long bytesReceived,
            String srtpProfile) {
    }
}
