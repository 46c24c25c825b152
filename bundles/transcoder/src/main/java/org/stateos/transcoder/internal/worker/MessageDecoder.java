package org.stateos.transcoder.internal.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads {@link Wire} frames from a stream, one direction's message set ({@link #toWorker} or {@link #fromWorker}).
 * The length is checked against the direction's maximum before the body is read, each body against its type's
 * exact or bounded size; anything else is a {@link WireException} that says what was wrong. Not thread-safe.
 */
public abstract class MessageDecoder {
    private final InputStream in;
    private final int maxFrame;
    private final byte[] lengthField = new byte[4];

    MessageDecoder(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = maxFrame;
    }

    /** What the worker reads: OPEN, AAC, CLOSE. */
    public static MessageDecoder toWorker(InputStream in) {
        return new ToWorkerDecoder(in);
    }

    /** What the parent reads: READY, OPUS, ERROR. */
    public static MessageDecoder fromWorker(InputStream in) {
        return new FromWorkerDecoder(in);
    }

    /**
     * The next message, or null when the stream ended cleanly between two frames.
     *
     * @throws WireException a frame out of bounds, of an unknown version or type, or cut short
     * @throws IOException   the stream failed
     */
    public Message next() throws IOException {
        int got = readFully(lengthField, 0, 4);
        if (got == 0) {
            return null;
        }
        if (got < 4) {
            throw new WireException("truncated: the stream ended inside a length field (" + got + " of 4 bytes)");
        }
        int length = ByteBuffer.wrap(lengthField).getInt();
        if (length < Wire.HEADER || length > maxFrame) {
            throw new WireException("a frame of " + Integer.toUnsignedString(length) + " bytes (allowed "
                    + Wire.HEADER + ".." + maxFrame + ")");
        }
        byte[] frame = new byte[length];
        got = readFully(frame, 0, length);
        if (got < length) {
            throw new WireException("truncated: the stream ended " + got + " bytes into a frame of " + length);
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int version = b.get() & 0xFF;
        if (version != Wire.VERSION) {
            throw new WireException("protocol version " + version + " (this side speaks " + Wire.VERSION + ")");
        }
        int type = b.get() & 0xFF;
        return body(type, b);
    }

    /** Decodes one body; {@code b} holds exactly the body. */
    abstract Message body(int type, ByteBuffer b) throws WireException;

    private int readFully(byte[] into, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(into, off + n, len - n);
            if (r < 0) {
                return n;
            }
            n += r;
        }
        return n;
    }

    static void exactly(String what, ByteBuffer b, int size) throws WireException {
        if (b.remaining() != size) {
            throw new WireException(what + " body of " + b.remaining() + " bytes (must be " + size + ")");
        }
    }

    static void atLeast(String what, ByteBuffer b, int size) throws WireException {
        if (b.remaining() < size) {
            throw new WireException(what + " body of " + b.remaining() + " bytes (at least " + size + ")");
        }
    }

    static int id(String what, ByteBuffer b) throws WireException {
        int id = b.getInt();
        if (id <= 0) {
            throw new WireException(what + " for pipeline id " + id + " (ids are 1.." + Integer.MAX_VALUE + ")");
        }
        return id;
    }

    static byte[] rest(String what, ByteBuffer b, int min, int max) throws WireException {
        if (b.remaining() < min || b.remaining() > max) {
            throw new WireException(what + " of " + b.remaining() + " bytes (allowed " + min + ".." + max + ")");
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

}
