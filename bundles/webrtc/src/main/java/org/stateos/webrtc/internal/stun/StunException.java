package org.stateos.webrtc.internal.stun;

/** A datagram that is not a well-formed STUN message; it is dropped. */
public final class StunException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunException(String message) {
        super(message, null, false, false);
    }
}
