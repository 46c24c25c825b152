package org.stateos.rtmp.internal.amf;

/** Malformed or out-of-bounds AMF data. */
public final class AmfException extends Exception {
    private static final long serialVersionUID = 1L;

    public AmfException(String message) {
        super(message);
    }
}
