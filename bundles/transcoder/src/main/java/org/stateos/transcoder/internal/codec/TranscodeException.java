package org.stateos.transcoder.internal.codec;

/** The transcode cannot go on: bad input, a codec that refused to open, natives that did not load. */
public final class TranscodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public TranscodeException(String message) {
        super(message);
    }

    public TranscodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
