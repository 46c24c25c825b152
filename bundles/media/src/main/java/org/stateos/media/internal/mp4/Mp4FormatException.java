package org.stateos.media.internal.mp4;

/** Bytes that are not the MP4 structure expected, with what and where. */
public final class Mp4FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public Mp4FormatException(String message) {
        super(message);
    }
}
