package org.stateos.webrtc.internal.srtp;

/** A packet that cannot be protected or fails to unprotect (too short, replayed, wrong tag); it is dropped. */
public final class SrtpException extends Exception {
    private static final long serialVersionUID = 1L;

    public SrtpException(String message) {
        super(message, null, false, false);
    }
}
