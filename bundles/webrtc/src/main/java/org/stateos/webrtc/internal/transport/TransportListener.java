package org.stateos.webrtc.internal.transport;

import io.netty.buffer.ByteBuf;

/** What a {@link PeerTransport} tells its session; called on the transport's event loop. */
public interface TransportListener {

    /** ICE and DTLS are done; SRTP keys are set. */
    void onConnected(PeerTransport transport);

    /**
     * One decrypted, authenticated RTCP packet (compound) from the peer. The buffer is released by the
     * transport when this returns.
     */
    void onRtcp(ByteBuf plainRtcp);

    /** Decrypted RTP from the peer (WHIP ingest later); viewers normally send none. Released on return. */
    default void onRtp(ByteBuf plainRtp) {
    }

    /** The transport ended: DTLS alert, consent expired (no STUN for 30 s), ICE timed out, or closed. */
    void onClosed(String reason);
}
