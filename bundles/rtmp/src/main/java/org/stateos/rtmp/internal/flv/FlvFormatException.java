package org.stateos.rtmp.internal.flv;

/** A malformed FLV tag body or codec configuration. */
public final class FlvFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public FlvFormatException(String message) {
        super(message);
    }
}
