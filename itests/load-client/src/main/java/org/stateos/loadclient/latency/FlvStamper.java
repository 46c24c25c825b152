package org.stateos.loadclient.latency;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongSupplier;

/**
 * An FLV stream filter: copies an FLV stream tag by tag and puts a {@link StampSei} NAL unit, stamped with the wall
 * clock at the moment the tag passes, into every H264 video tag (AVC NALU packet), before its first VCL NAL unit;
 * the tag's data size and the following PreviousTagSize are fixed to match. Every other tag passes unchanged, and
 * so does a video tag whose NAL units do not add up (the server judges it).
 *
 * <p>FLV layout (Adobe FLV spec 10.1, annex E): a header ("FLV", version, flags, header size), PreviousTagSize0,
 * then tags: type (1 byte, 8 audio / 9 video / 18 script), data size (3), timestamp (3 + 1 extension), stream id
 * (3), data, PreviousTagSize (4). Every length is checked against {@link #maxTagBytes} before anything is read.
 */
public final class FlvStamper {
    static final int TAG_HEADER = 11;
    static final int VIDEO = 9;
    static final int AVC = 7;

    private final int maxTagBytes;
    private final LongSupplier clockMicros;
    private int nalLengthSize = 4;
    private long videoTags;
    private long stamped;

    /** @param maxTagBytes the largest tag data accepted (FLV allows 16 MiB - 1) */
    public FlvStamper(int maxTagBytes, LongSupplier clockMicros) {
        if (maxTagBytes < 16 || maxTagBytes > 0xFF_FFFF) {
            throw new IllegalArgumentException("tag limit out of range 16..16777215: " + maxTagBytes);
        }
        this.maxTagBytes = maxTagBytes;
        this.clockMicros = clockMicros;
    }

    /**
     * Copies {@code in} to {@code out} until {@code in} ends at a tag boundary, flushing after every tag (a live
     * stream must not wait in a buffer).
     *
     * @throws FlvFormatException for a stream that is not FLV or a tag over the limit
     * @throws EOFException       when the stream ends inside the header or a tag
     */
    public void filter(InputStream in, OutputStream out) throws IOException, FlvFormatException {
        byte[] head = readFully(in, 9);
        if (head[0] != 'F' || head[1] != 'L' || head[2] != 'V') {
            throw new FlvFormatException("not an FLV stream (signature)");
        }
        long headerSize = u32(head, 5);
        if (headerSize < 9 || headerSize > 1024) {
            throw new FlvFormatException("FLV header size out of range: " + headerSize);
        }
        out.write(head);
        out.write(readFully(in, (int) headerSize - 9));
        out.write(readFully(in, 4)); // PreviousTagSize0
        out.flush();
        byte[] header = new byte[TAG_HEADER];
        while (true) {
            int first = in.read();
            if (first < 0) {
                return;
            }
            header[0] = (byte) first;
            readFully(in, header, 1, TAG_HEADER - 1);
            int size = u24(header, 1);
            if (size > maxTagBytes) {
                throw new FlvFormatException("tag of " + size + " bytes over the limit of " + maxTagBytes);
            }
            byte[] data = readFully(in, size);
            readFully(in, 4); // the old PreviousTagSize: recomputed below
            byte[] written = (header[0] & 0x1F) == VIDEO ? video(data) : data;
            header[1] = (byte) (written.length >>> 16);
            header[2] = (byte) (written.length >>> 8);
            header[3] = (byte) written.length;
            out.write(header);
            out.write(written);
            int previous = TAG_HEADER + written.length;
            out.write(new byte[] {(byte) (previous >>> 24), (byte) (previous >>> 16), (byte) (previous >>> 8), (byte) previous});
            out.flush();
        }
    }

    /** One video tag's data: notes the NAL length size from a sequence header, stamps a NALU packet. */
    byte[] video(byte[] data) {
        if (data.length < 5 || (data[0] & 0x80) != 0 || (data[0] & 0x0F) != AVC) {
            return data; // not H264, or Enhanced RTMP (its own layout): unchanged
        }
        videoTags++;
        if (data[1] == 0) {
            if (data.length >= 10) {
                nalLengthSize = (data[9] & 0x03) + 1; // AVCDecoderConfigurationRecord.lengthSizeMinusOne
            }
            return data;
        }
        if (data[1] != 1) {
            return data;
        }
        byte[] out = insert(data, nalLengthSize, StampSei.nal(clockMicros.getAsLong()));
        if (out != data) {
            stamped++;
        }
        return out;
    }

    /**
     * {@code data} (an AVC NALU video tag) with {@code sei} inserted, length-prefixed, before the first VCL NAL unit
     * (types 1–5); {@code data} itself when there is none, when the NAL units overrun the tag, or when the SEI does
     * not fit the length size.
     */
    static byte[] insert(byte[] data, int nalLengthSize, byte[] sei) {
        if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4 && nalLengthSize != 3) {
            return data;
        }
        if (sei.length >= (1L << (8 * nalLengthSize))) {
            return data;
        }
        int pos = 5;
        int at = -1;
        while (pos + nalLengthSize <= data.length) {
            long len = 0;
            for (int i = 0; i < nalLengthSize; i++) {
                len = (len << 8) | (data[pos + i] & 0xFF);
            }
            if (len == 0 || len > data.length - pos - nalLengthSize) {
                return data;
            }
            int type = data[pos + nalLengthSize] & 0x1F;
            if (type >= 1 && type <= 5) {
                at = pos;
                break;
            }
            pos += nalLengthSize + (int) len;
        }
        if (at < 0) {
            return data;
        }
        byte[] out = new byte[data.length + nalLengthSize + sei.length];
        System.arraycopy(data, 0, out, 0, at);
        for (int i = 0; i < nalLengthSize; i++) {
            out[at + i] = (byte) (sei.length >>> (8 * (nalLengthSize - 1 - i)));
        }
        System.arraycopy(sei, 0, out, at + nalLengthSize, sei.length);
        System.arraycopy(data, at, out, at + nalLengthSize + sei.length, data.length - at);
        return out;
    }

    public long videoTags() {
        return videoTags;
    }

    public long stamped() {
        return stamped;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        readFully(in, b, 0, n);
        return b;
    }

    private static void readFully(InputStream in, byte[] b, int off, int n) throws IOException {
        while (n > 0) {
            int r = in.read(b, off, n);
            if (r < 0) {
                throw new EOFException("FLV stream ended inside a tag");
            }
            off += r;
            n -= r;
        }
    }

    private static int u24(byte[] b, int off) {
        return ((b[off] & 0xFF) << 16) | ((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF);
    }

    private static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
