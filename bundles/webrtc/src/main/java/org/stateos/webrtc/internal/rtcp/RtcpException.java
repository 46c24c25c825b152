package org.stateos.webrtc.internal.rtcp;

/** A malformed RTCP packet; the message says what is wrong and where. */
public final class RtcpException extends Exception {
    private static final long serialVersionUID = 1L;

    public RtcpException(String message) {
        super(message);
    }
}
