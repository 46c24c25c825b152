package org.stateos.rtmp.internal.chunk;

import io.netty.handler.codec.DecoderException;

/** The peer broke the RTMP framing (handshake or chunk stream); the connection is closed with this message. */
public final class RtmpProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public RtmpProtocolException(String message) {
        super(message);
    }
}
