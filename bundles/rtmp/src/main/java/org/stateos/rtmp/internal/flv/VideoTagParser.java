package org.stateos.rtmp.internal.flv;

import io.netty.buffer.ByteBuf;
import org.stateos.api.media.Codec;

/**
 * Parses FLV video tag bodies: legacy AVC (codec id 7, and the widespread codec id 12 HEVC extension) and
 * Enhanced RTMP (IsExHeader, FourCC {@code avc1}, {@code hvc1}, {@code av01}; {@code vp09} and others are reported
 * as unsupported). Pure: reads {@code tag} without moving its indexes and allocates only the SPS copy.
 */
public final class VideoTagParser {
    static final int FRAME_KEY = 1;
    static final int FRAME_DISPOSABLE = 3;
    static final int FRAME_COMMAND = 5;

    static final int PACKET_SEQUENCE_START = 0;
    static final int PACKET_CODED_FRAMES = 1;
    static final int PACKET_SEQUENCE_END = 2;
    static final int PACKET_CODED_FRAMES_X = 3;
    static final int PACKET_METADATA = 4;
    static final int PACKET_MPEG2TS_SEQUENCE_START = 5;
    static final int PACKET_MULTITRACK = 6;
    static final int PACKET_MOD_EX = 7;

    public static final int FOURCC_AVC1 = fourCc("avc1");
    public static final int FOURCC_HVC1 = fourCc("hvc1");
    public static final int FOURCC_AV01 = fourCc("av01");
    public static final int FOURCC_VP09 = fourCc("vp09");

    private VideoTagParser() {
    }

    /**
     * @param nalLengthSize the NAL unit length size of the current configuration (4 when there is none yet)
     */
    public static VideoTag parse(ByteBuf tag, int nalLengthSize) throws FlvFormatException {
        int base = tag.readerIndex();
        int n = tag.readableBytes();
        if (n < 1) {
            return new VideoTag.Skipped("empty video message");
        }
        int b0 = tag.getUnsignedByte(base);
        if ((b0 & 0x80) != 0) {
            return parseEnhanced(tag, base, n, b0, nalLengthSize);
        }
        int frameType = (b0 >> 4) & 0x7;
        int codecId = b0 & 0x0F;
        if (frameType == FRAME_COMMAND) {
            return new VideoTag.Skipped("video command frame");
        }
        Codec codec;
        switch (codecId) {
            case 7 -> codec = Codec.H264;
            case 12 -> codec = Codec.HEVC;
            case 2 -> {
                return new VideoTag.Unsupported("Sorenson H.263 (FLV codec id 2)");
            }
            case 3, 6 -> {
                return new VideoTag.Unsupported("Screen video (FLV codec id " + codecId + ")");
            }
            case 4, 5 -> {
                return new VideoTag.Unsupported("On2 VP6 (FLV codec id " + codecId + ")");
            }
            default -> {
                return new VideoTag.Unsupported("FLV video codec id " + codecId);
            }
        }
        if (n < 5) {
            throw new FlvFormatException("AVC video tag of " + n + " bytes; its header alone takes 5");
        }
        int packetType = tag.getUnsignedByte(base + 1);
        int cts = tag.getMedium(base + 2); // signed 24 bits
        return switch (packetType) {
            case 0 -> config(codec, tag, base + 5, n - 5);
            case 1 -> coded(codec, tag, base, 5, n - 5, frameType, cts, nalLengthSize);
            case 2 -> new VideoTag.EndOfSequence(codec);
            default -> throw new FlvFormatException("AVC packet type " + packetType);
        };
    }

    private static VideoTag parseEnhanced(ByteBuf tag, int base, int n, int b0, int nalLengthSize)
            throws FlvFormatException {
        int frameType = (b0 >> 4) & 0x7;
        int packetType = b0 & 0x0F;
        if (packetType == PACKET_MOD_EX) {
            return new VideoTag.Unsupported("Enhanced RTMP ModEx video packets");
        }
        if (packetType == PACKET_MULTITRACK) {
            return new VideoTag.Unsupported("Enhanced RTMP multitrack video");
        }
        if (n < 5) {
            throw new FlvFormatException("Enhanced RTMP video tag of " + n + " bytes; its header alone takes 5");
        }
        int fourCc = tag.getInt(base + 1);
        Codec codec;
        if (fourCc == FOURCC_AVC1) {
            codec = Codec.H264;
        } else if (fourCc == FOURCC_HVC1) {
            codec = Codec.HEVC;
        } else if (fourCc == FOURCC_AV01) {
            codec = Codec.AV1;
        } else if (fourCc == FOURCC_VP09) {
            return new VideoTag.Unsupported("VP9 (FourCC vp09)");
        } else {
            return new VideoTag.Unsupported("video FourCC " + fourCcName(fourCc));
        }
        if (packetType == PACKET_METADATA) {
            return new VideoTag.Skipped("Enhanced RTMP video metadata");
        }
        if (frameType == FRAME_COMMAND) {
            return new VideoTag.Skipped("video command frame");
        }
        int body = base + 5;
        int left = n - 5;
        switch (packetType) {
            case PACKET_SEQUENCE_START:
                return config(codec, tag, body, left);
            case PACKET_SEQUENCE_END:
                return new VideoTag.EndOfSequence(codec);
            case PACKET_CODED_FRAMES:
                if (codec == Codec.AV1) {
                    return coded(codec, tag, base, 5, left, frameType, 0, nalLengthSize);
                }
                if (left < 3) {
                    throw new FlvFormatException("Enhanced RTMP CodedFrames without its composition time");
                }
                return coded(codec, tag, base, 8, left - 3, frameType, tag.getMedium(body), nalLengthSize);
            case PACKET_CODED_FRAMES_X:
                return coded(codec, tag, base, 5, left, frameType, 0, nalLengthSize);
            case PACKET_MPEG2TS_SEQUENCE_START:
                return new VideoTag.Unsupported("Enhanced RTMP MPEG-2 TS sequence start (" + codec + ")");
            default:
                throw new FlvFormatException("Enhanced RTMP video packet type " + packetType);
        }
    }

    private static VideoTag config(Codec codec, ByteBuf tag, int offset, int length) throws FlvFormatException {
        int base = tag.readerIndex();
        switch (codec) {
            case H264: {
                AvcConfig avc = AvcConfig.parse(tag, offset, length);
                return new VideoTag.Config(codec, offset - base, length, avc.width(), avc.height(),
                        avc.nalLengthSize());
            }
            case HEVC: {
                // HEVCDecoderConfigurationRecord: version 1, ..., byte 21 low bits lengthSizeMinusOne
                if (length < 23) {
                    throw new FlvFormatException("HEVCDecoderConfigurationRecord of " + length + " bytes");
                }
                int lengthSize = (tag.getUnsignedByte(offset + 21) & 0x3) + 1;
                if (lengthSize == 3) {
                    throw new FlvFormatException("HEVC NAL length size 3");
                }
                return new VideoTag.Config(codec, offset - base, length, 0, 0, lengthSize);
            }
            case AV1: {
                // AV1CodecConfigurationRecord: marker 1, version 1, then profile/level/... and config OBUs
                if (length < 4 || tag.getUnsignedByte(offset) != 0x81) {
                    throw new FlvFormatException("AV1CodecConfigurationRecord of " + length
                            + " bytes without marker and version 1");
                }
                return new VideoTag.Config(codec, offset - base, length, 0, 0, 0);
            }
            default:
                throw new FlvFormatException("no configuration form for " + codec);
        }
    }

    private static VideoTag coded(Codec codec, ByteBuf tag, int base, int headerLength, int length, int frameType,
            int cts, int nalLengthSize) throws FlvFormatException {
        if (length == 0) {
            return new VideoTag.Skipped("empty " + codec + " picture");
        }
        boolean key = frameType == FRAME_KEY;
        boolean droppable = frameType == FRAME_DISPOSABLE;
        if (codec == Codec.H264 || codec == Codec.HEVC) {
            int info = Avcc.scan(tag, base + headerLength, length, nalLengthSize, codec == Codec.H264);
            key |= (info & Avcc.HAS_IDR) != 0;
            droppable |= (info & Avcc.ALL_NON_REFERENCE) != 0;
        }
        return new VideoTag.Coded(codec, key, droppable && !key, cts, headerLength, length);
    }

    static int fourCc(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }

    static String fourCcName(int fourCc) {
        StringBuilder sb = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (fourCc >>> shift) & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }
}
