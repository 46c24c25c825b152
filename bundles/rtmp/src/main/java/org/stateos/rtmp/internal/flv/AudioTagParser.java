package org.stateos.rtmp.internal.flv;

import io.netty.buffer.ByteBuf;
import org.stateos.api.media.Codec;

/**
 * Parses FLV audio tag bodies: AAC (sound format 10) and Enhanced RTMP audio (sound format 9, FourCC
 * {@code mp4a} and {@code Opus}); other formats are reported as unsupported. Pure: reads {@code tag} without
 * moving its indexes.
 */
public final class AudioTagParser {
    /** MPEG-4 sampling frequency index → Hz (ISO/IEC 14496-3, 1.6.3.4); 13 and 14 are reserved. */
    static final int[] AAC_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
        8000, 7350};

    static final int FOURCC_MP4A = VideoTagParser.fourCc("mp4a");
    static final int FOURCC_OPUS = VideoTagParser.fourCc("Opus");

    /** What an AudioSpecificConfig says. */
    public record Asc(int objectType, int sampleRate, int channels) {
    }

    private AudioTagParser() {
    }

    public static AudioTag parse(ByteBuf tag) throws FlvFormatException {
        int base = tag.readerIndex();
        int n = tag.readableBytes();
        if (n < 1) {
            return new AudioTag.Skipped("empty audio message");
        }
        int b0 = tag.getUnsignedByte(base);
        int format = b0 >> 4;
        if (format == 9) {
            return parseEnhanced(tag, base, n, b0 & 0x0F);
        }
        if (format != 10) {
            return new AudioTag.Unsupported(formatName(format));
        }
        if (n < 2) {
            throw new FlvFormatException("AAC audio tag of 1 byte");
        }
        int packetType = tag.getUnsignedByte(base + 1);
        int flvChannels = (b0 & 1) + 1;
        return switch (packetType) {
            case 0 -> aacConfig(tag, base + 2, n - 2, flvChannels);
            case 1 -> n == 2 ? new AudioTag.Skipped("empty AAC frame") : new AudioTag.Coded(Codec.AAC, 2, n - 2);
            default -> throw new FlvFormatException("AAC packet type " + packetType);
        };
    }

    private static AudioTag parseEnhanced(ByteBuf tag, int base, int n, int packetType) throws FlvFormatException {
        if (packetType == 5) {
            return new AudioTag.Unsupported("Enhanced RTMP multitrack audio");
        }
        if (packetType == 7) {
            return new AudioTag.Unsupported("Enhanced RTMP ModEx audio packets");
        }
        if (n < 5) {
            throw new FlvFormatException("Enhanced RTMP audio tag of " + n + " bytes; its header alone takes 5");
        }
        int fourCc = tag.getInt(base + 1);
        Codec codec;
        if (fourCc == FOURCC_MP4A) {
            codec = Codec.AAC;
        } else if (fourCc == FOURCC_OPUS) {
            codec = Codec.OPUS;
        } else {
            return new AudioTag.Unsupported("audio FourCC " + VideoTagParser.fourCcName(fourCc));
        }
        int body = base + 5;
        int left = n - 5;
        switch (packetType) {
            case 0: // SequenceStart
                if (codec == Codec.AAC) {
                    return aacConfig(tag, body, left, 0);
                }
                return opusConfig(tag, body, left);
            case 1: // CodedFrames
                return left == 0 ? new AudioTag.Skipped("empty " + codec + " frame") : new AudioTag.Coded(codec, 5, left);
            case 2: // SequenceEnd
                return new AudioTag.Skipped(codec + " sequence end");
            case 4: // MultichannelConfig
                return new AudioTag.Skipped(codec + " multichannel configuration");
            default:
                throw new FlvFormatException("Enhanced RTMP audio packet type " + packetType);
        }
    }

    private static AudioTag aacConfig(ByteBuf tag, int offset, int length, int fallbackChannels)
            throws FlvFormatException {
        if (length > 64) {
            throw new FlvFormatException("AudioSpecificConfig of " + length + " bytes");
        }
        byte[] asc = new byte[length];
        tag.getBytes(offset, asc);
        Asc parsed = parseAsc(asc);
        int channels = parsed.channels() > 0 ? parsed.channels() : fallbackChannels;
        return new AudioTag.Config(Codec.AAC, offset - tag.readerIndex(), length, parsed.sampleRate(), channels);
    }

    private static AudioTag opusConfig(ByteBuf tag, int offset, int length) throws FlvFormatException {
        // OpusHead (RFC 7845, 5.1): "OpusHead", version, channel count, pre-skip, input rate, gain, mapping
        if (length < 19 || tag.getLong(offset) != 0x4F70757348656164L) {
            throw new FlvFormatException("Opus sequence start without an OpusHead");
        }
        int channels = tag.getUnsignedByte(offset + 9);
        if (channels == 0) {
            throw new FlvFormatException("OpusHead with 0 channels");
        }
        return new AudioTag.Config(Codec.OPUS, offset - tag.readerIndex(), length, 48000, channels);
    }

    /** Parses an AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1) far enough for the rate and channels. */
    public static Asc parseAsc(byte[] asc) throws FlvFormatException {
        if (asc.length < 2) {
            throw new FlvFormatException("AudioSpecificConfig of " + asc.length + " bytes");
        }
        BitReader r = new BitReader(asc, 0, asc.length);
        int objectType = objectType(r);
        if (objectType == 0) {
            throw new FlvFormatException("AudioSpecificConfig with audio object type 0");
        }
        int rate = frequency(r);
        int channelConfig = r.u(4);
        if (objectType == 5 || objectType == 29) {
            // HE-AAC (SBR, PS): the output runs at the extension rate
            rate = frequency(r);
            objectType(r);
        }
        int channels = switch (channelConfig) {
            case 1, 2, 3, 4, 5, 6 -> channelConfig;
            case 7 -> 8;
            default -> 0; // 0: defined in a program config element; 8..15 reserved or rare layouts
        };
        return new Asc(objectType, rate, channels);
    }

    private static int objectType(BitReader r) throws FlvFormatException {
        int type = r.u(5);
        return type == 31 ? 32 + r.u(6) : type;
    }

    private static int frequency(BitReader r) throws FlvFormatException {
        int index = r.u(4);
        if (index == 15) {
            int hz = r.u(24);
            if (hz == 0) {
                throw new FlvFormatException("AudioSpecificConfig with an explicit rate of 0 Hz");
            }
            return hz;
        }
        if (index >= AAC_RATES.length) {
            throw new FlvFormatException("AudioSpecificConfig sampling frequency index " + index + " (reserved)");
        }
        return AAC_RATES[index];
    }

    static String formatName(int format) {
        return switch (format) {
            case 0, 3 -> "PCM audio (FLV sound format " + format + ")";
            case 1 -> "ADPCM audio (FLV sound format 1)";
            case 2, 14 -> "MP3 audio (FLV sound format " + format + ")";
            case 4, 5, 6 -> "Nellymoser audio (FLV sound format " + format + ")";
            case 7 -> "G.711 A-law audio (FLV sound format 7)";
            case 8 -> "G.711 mu-law audio (FLV sound format 8)";
            case 11 -> "Speex audio (FLV sound format 11)";
            default -> "FLV sound format " + format;
        };
    }
}
