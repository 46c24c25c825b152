package org.stateos.webrtc.internal.ice;

import io.netty.buffer.ByteBuf;

/**
 * What to do with one STUN datagram.
 *
 * @param response   the datagram to send back (ownership passes to the caller), or null
 * @param session    the session an authenticated binding request belongs to, or null
 * @param nominate   the request carried USE-CANDIDATE
 * @param dropReason why nothing is sent, for the rate-limited log, or null
 */
public record BindingOutcome<S>(ByteBuf response, S session, boolean nominate, String dropReason) {

    static <S> BindingOutcome<S> drop(String reason) {
        return new BindingOutcome<>(null, null, false, reason);
    }

    static <S> BindingOutcome<S> error(ByteBuf response, String reason) {
        return new BindingOutcome<>(response, null, false, reason);
    }

    /** An authenticated check: answered, and it counts for consent freshness and address learning. */
    public boolean valid() {
        return session != null;
    }
}
