package org.stateos.rtmp.internal.flv;

import io.netty.buffer.ByteBuf;

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3.1): its NAL unit length size and the picture size
 * of its first SPS.
 */
public record AvcConfig(int profile, int level, int nalLengthSize, int width, int height) {
    /** More parameter sets than this in one record is nonsense. */
    static final int MAX_PARAMETER_SETS = 32;

    public static AvcConfig parse(ByteBuf buf, int offset, int length) throws FlvFormatException {
        if (length < 7) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord of " + length + " bytes; at least 7 needed");
        }
        int end = offset + length;
        if (buf.getUnsignedByte(offset) != 1) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord version " + buf.getUnsignedByte(offset));
        }
        int nalLengthSize = (buf.getUnsignedByte(offset + 4) & 0x3) + 1;
        if (nalLengthSize == 3) {
            throw new FlvFormatException("AVC NAL length size 3 is not allowed");
        }
        int numSps = buf.getUnsignedByte(offset + 5) & 0x1F;
        if (numSps == 0) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord without an SPS");
        }
        int pos = offset + 6;
        SpsParser.Sps sps = null;
        for (int i = 0; i < numSps; i++) {
            int len = lengthAt(buf, pos, end, "SPS");
            if (i == 0) {
                byte[] nal = new byte[len];
                buf.getBytes(pos + 2, nal);
                sps = SpsParser.parse(nal, 0, len);
            }
            pos += 2 + len;
        }
        if (pos >= end) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord ends before its PPS count");
        }
        int numPps = buf.getUnsignedByte(pos++);
        if (numPps == 0 || numPps > MAX_PARAMETER_SETS) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord with " + numPps + " PPS");
        }
        for (int i = 0; i < numPps; i++) {
            pos += 2 + lengthAt(buf, pos, end, "PPS");
        }
        return new AvcConfig(buf.getUnsignedByte(offset + 1), buf.getUnsignedByte(offset + 3), nalLengthSize,
                sps.width(), sps.height());
    }

    private static int lengthAt(ByteBuf buf, int pos, int end, String what) throws FlvFormatException {
        if (end - pos < 2) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord ends inside a " + what + " length");
        }
        int len = buf.getUnsignedShort(pos);
        if (len == 0 || len > end - pos - 2) {
            throw new FlvFormatException(what + " of " + len + " bytes with " + (end - pos - 2) + " left");
        }
        return len;
    }
}
