package org.stateos.transcoder.internal.worker;

import java.io.IOException;

/** Bytes on the worker pipe that break the protocol: the stream cannot be trusted further and is dropped. */
public final class WireException extends IOException {
    private static final long serialVersionUID = 1L;

    public WireException(String message) {
        super(message);
    }
}
