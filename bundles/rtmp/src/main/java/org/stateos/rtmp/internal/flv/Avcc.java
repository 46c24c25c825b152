package org.stateos.rtmp.internal.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Length-prefixed NAL units (AVCC / HVCC sample format). */
public final class Avcc {
    static final int HAS_IDR = 1;
    static final int ALL_NON_REFERENCE = 2;

    private Avcc() {
    }

    /**
     * Checks that the NAL unit lengths tile {@code length} bytes exactly and reports what the NAL headers say.
     *
     * @param h264 whether to read H.264 NAL headers (IDR, nal_ref_idc); false for HEVC (structure only)
     * @return {@link #HAS_IDR} and {@link #ALL_NON_REFERENCE} bits
     */
    static int scan(ByteBuf buf, int offset, int length, int nalLengthSize, boolean h264) throws FlvFormatException {
        if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4) {
            throw new FlvFormatException("NAL length size " + nalLengthSize);
        }
        int pos = offset;
        int end = offset + length;
        boolean idr = false;
        boolean anyVcl = false;
        boolean anyReference = false;
        while (pos < end) {
            if (end - pos < nalLengthSize) {
                throw new FlvFormatException("picture ends inside a NAL unit length (" + (end - pos) + " bytes left)");
            }
            long nalLength = switch (nalLengthSize) {
                case 1 -> buf.getUnsignedByte(pos);
                case 2 -> buf.getUnsignedShort(pos);
                default -> buf.getUnsignedInt(pos);
            };
            pos += nalLengthSize;
            if (nalLength > end - pos) {
                throw new FlvFormatException("NAL unit of " + nalLength + " bytes with " + (end - pos) + " left");
            }
            if (nalLength > 0 && h264) {
                int header = buf.getUnsignedByte(pos);
                int type = header & 0x1F;
                if (type >= 1 && type <= 5) {
                    anyVcl = true;
                    anyReference |= (header & 0x60) != 0;
                    idr |= type == 5;
                }
            }
            pos += (int) nalLength;
        }
        return (idr ? HAS_IDR : 0) | (anyVcl && !anyReference ? ALL_NON_REFERENCE : 0);
    }

    /** Copies a picture with 1- or 2-byte NAL lengths into the 4-byte form {@code Codec.H264} frames carry. */
    public static ByteBuf toFourByteLengths(ByteBuf buf, int offset, int length, int nalLengthSize,
            ByteBufAllocator alloc) {
        int units = 0;
        for (int pos = offset; pos < offset + length; units++) {
            int n = nalLengthSize == 1 ? buf.getUnsignedByte(pos) : buf.getUnsignedShort(pos);
            pos += nalLengthSize + n;
        }
        ByteBuf out = alloc.buffer(length + units * (4 - nalLengthSize));
        for (int pos = offset; pos < offset + length;) {
            int n = nalLengthSize == 1 ? buf.getUnsignedByte(pos) : buf.getUnsignedShort(pos);
            out.writeInt(n);
            out.writeBytes(buf, pos + nalLengthSize, n);
            pos += nalLengthSize + n;
        }
        return out;
    }
}
