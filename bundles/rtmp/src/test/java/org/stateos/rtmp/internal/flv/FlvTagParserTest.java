package org.stateos.rtmp.internal.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;

class FlvTagParserTest {
    static final String PPS = "68ce3880";

    /** An AVCDecoderConfigurationRecord around the x264 320x240 baseline SPS, 4-byte NAL lengths. */
    static byte[] avcConfig(String spsHex, int lengthSizeMinusOne) {
        byte[] sps = HexFormat.of().parseHex(spsHex);
        byte[] pps = HexFormat.of().parseHex(PPS);
        ByteBuf b = Unpooled.buffer();
        b.writeByte(1).writeByte(sps[1]).writeByte(sps[2]).writeByte(sps[3]).writeByte(0xFC | lengthSizeMinusOne)
                .writeByte(0xE1).writeShort(sps.length).writeBytes(sps).writeByte(1).writeShort(pps.length)
                .writeBytes(pps);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    static ByteBuf tag(int... header) {
        ByteBuf b = Unpooled.buffer();
        for (int h : header) {
            b.writeByte(h);
        }
        return b;
    }

    @Test
    void avcSequenceHeaderGivesConfigWithSpsPictureSize() throws Exception {
        ByteBuf t = tag(0x17, 0, 0, 0, 0).writeBytes(avcConfig(SpsParserTest.HIGH_1920X1080_CROPPED, 3));
        t.skipBytes(0); // offsets are relative to the reader index
        VideoTag.Config c = assertInstanceOf(VideoTag.Config.class, VideoTagParser.parse(t, 4));
        assertEquals(Codec.H264, c.codec());
        assertEquals(1920, c.width());
        assertEquals(1080, c.height());
        assertEquals(4, c.nalLengthSize());
        assertEquals(5, c.offset());
        assertEquals(t.readableBytes() - 5, c.length());
        t.release();
    }

    @Test
    void avcNalusGiveCodedFrameWithSignedCompositionTimeAndKeyframe() throws Exception {
        // key frame, NALU packet, cts = -2 (0xFFFFFE), one IDR NAL unit of 3 bytes
        ByteBuf key = tag(0x17, 1, 0xFF, 0xFF, 0xFE, 0, 0, 0, 3, 0x65, 0x88, 0x84);
        VideoTag.Coded k = assertInstanceOf(VideoTag.Coded.class, VideoTagParser.parse(key, 4));
        assertTrue(k.keyframe());
        assertEquals(-2, k.compositionTime());
        assertEquals(5, k.offset());
        assertEquals(7, k.length());
        key.release();
        // inter frame with a non-reference slice (nal_ref_idc 0): droppable
        ByteBuf b = tag(0x27, 1, 0, 0, 80, 0, 0, 0, 2, 0x01, 0x9e);
        VideoTag.Coded f = assertInstanceOf(VideoTag.Coded.class, VideoTagParser.parse(b, 4));
        assertFalse(f.keyframe());
        assertTrue(f.droppable());
        assertEquals(80, f.compositionTime());
        b.release();
    }

    @Test
    void refusesNalLengthsThatDoNotTileThePicture() {
        ByteBuf over = tag(0x27, 1, 0, 0, 0, 0, 0, 0, 9, 0x41, 0x9a);
        assertThrows(FlvFormatException.class, () -> VideoTagParser.parse(over, 4));
        over.release();
        ByteBuf torn = tag(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41, 0, 0);
        assertThrows(FlvFormatException.class, () -> VideoTagParser.parse(torn, 4));
        torn.release();
        ByteBuf shortHeader = tag(0x17, 1, 0);
        assertThrows(FlvFormatException.class, () -> VideoTagParser.parse(shortHeader, 4));
        shortHeader.release();
    }

    @Test
    void twoByteNalLengthsAreRewrittenToFour() throws Exception {
        ByteBuf t = tag(0x17, 1, 0, 0, 0, 0, 2, 0x65, 0x88, 0, 1, 0x06);
        VideoTag.Coded c = assertInstanceOf(VideoTag.Coded.class, VideoTagParser.parse(t, 2));
        ByteBuf four = Avcc.toFourByteLengths(t, t.readerIndex() + c.offset(), c.length(), 2,
                io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        assertEquals("000000026588" + "0000000106", io.netty.buffer.ByteBufUtil.hexDump(four));
        four.release();
        t.release();
    }

    @Test
    void enhancedRtmpHevcAndAv1AreRecognisedAndVp9Reported() throws Exception {
        // IsExHeader | key frame (1) << 4 | SequenceStart, "hvc1", 23-byte HEVCDecoderConfigurationRecord
        ByteBuf hevcConfig = tag(0x90, 'h', 'v', 'c', '1');
        hevcConfig.writeByte(1).writeZero(20).writeByte(0xFF).writeByte(0); // byte 21: lengthSizeMinusOne = 3
        VideoTag.Config hc = assertInstanceOf(VideoTag.Config.class, VideoTagParser.parse(hevcConfig, 4));
        assertEquals(Codec.HEVC, hc.codec());
        assertEquals(4, hc.nalLengthSize());
        assertEquals(23, hc.length());
        hevcConfig.release();
        // CodedFrames with SI24 composition time 40, one NAL unit of 2 bytes
        ByteBuf hevcFrame = tag(0x91, 'h', 'v', 'c', '1', 0, 0, 40, 0, 0, 0, 2, 0x26, 0x01);
        VideoTag.Coded hf = assertInstanceOf(VideoTag.Coded.class, VideoTagParser.parse(hevcFrame, 4));
        assertEquals(Codec.HEVC, hf.codec());
        assertTrue(hf.keyframe());
        assertEquals(40, hf.compositionTime());
        assertEquals(8, hf.offset());
        hevcFrame.release();
        // CodedFramesX: no composition time
        ByteBuf hevcX = tag(0xA3, 'h', 'v', 'c', '1', 0, 0, 0, 2, 0x02, 0x01);
        VideoTag.Coded hx = assertInstanceOf(VideoTag.Coded.class, VideoTagParser.parse(hevcX, 4));
        assertFalse(hx.keyframe());
        assertEquals(0, hx.compositionTime());
        assertEquals(5, hx.offset());
        hevcX.release();
        ByteBuf av1Config = tag(0x90, 'a', 'v', '0', '1', 0x81, 0x08, 0x0C, 0x00);
        VideoTag.Config ac = assertInstanceOf(VideoTag.Config.class, VideoTagParser.parse(av1Config, 4));
        assertEquals(Codec.AV1, ac.codec());
        av1Config.release();
        ByteBuf av1Frame = tag(0x91, 'a', 'v', '0', '1', 0x12, 0x00, 0x0A, 0x0B);
        VideoTag.Coded af = assertInstanceOf(VideoTag.Coded.class, VideoTagParser.parse(av1Frame, 4));
        assertEquals(Codec.AV1, af.codec());
        assertEquals(5, af.offset());
        assertEquals(4, af.length());
        av1Frame.release();
        ByteBuf vp9 = tag(0x90, 'v', 'p', '0', '9', 1, 2, 3);
        VideoTag.Unsupported u = assertInstanceOf(VideoTag.Unsupported.class, VideoTagParser.parse(vp9, 4));
        assertTrue(u.what().contains("VP9"), u.what());
        vp9.release();
    }

    @Test
    void legacyCodecsOtherThanAvcAreReportedNotDropped() throws Exception {
        ByteBuf h263 = tag(0x22, 0, 0);
        assertInstanceOf(VideoTag.Unsupported.class, VideoTagParser.parse(h263, 4));
        h263.release();
        ByteBuf command = tag(0x57, 0);
        assertInstanceOf(VideoTag.Skipped.class, VideoTagParser.parse(command, 4));
        command.release();
    }

    @Test
    void aacSequenceHeaderGivesRateAndChannels() throws Exception {
        // AAC LC, 44100 Hz (index 4), mono: 0x12 0x08
        ByteBuf t = tag(0xAE, 0, 0x12, 0x08);
        AudioTag.Config c = assertInstanceOf(AudioTag.Config.class, AudioTagParser.parse(t));
        assertEquals(Codec.AAC, c.codec());
        assertEquals(44100, c.sampleRate());
        assertEquals(1, c.channels());
        assertEquals(2, c.offset());
        assertEquals(2, c.length());
        t.release();
        // AAC LC, 48000 Hz (index 3), stereo: 0x11 0x90
        assertEquals(new AudioTagParser.Asc(2, 48000, 2), AudioTagParser.parseAsc(new byte[] {0x11, (byte) 0x90}));
        // HE-AAC (SBR, object type 5): 24000 Hz core, 48000 Hz extension, stereo
        assertEquals(48000, AudioTagParser.parseAsc(new byte[] {0x2B, 0x11, (byte) 0x88, 0x00}).sampleRate());
        // explicit frequency (index 15) of 12345 Hz
        assertEquals(12345, AudioTagParser.parseAsc(new byte[] {0x17, (byte) 0x80, 0x18, 0x1C, (byte) 0x90})
                .sampleRate());
        assertThrows(FlvFormatException.class, () -> AudioTagParser.parseAsc(new byte[] {0x16, (byte) 0x88}));
    }

    @Test
    void rawAacFrameAndOtherFormats() throws Exception {
        ByteBuf raw = tag(0xAF, 1, 0x21, 0x10, 0x05);
        AudioTag.Coded c = assertInstanceOf(AudioTag.Coded.class, AudioTagParser.parse(raw));
        assertEquals(2, c.offset());
        assertEquals(3, c.length());
        raw.release();
        ByteBuf mp3 = tag(0x2F, 0xFF, 0xFB);
        AudioTag.Unsupported u = assertInstanceOf(AudioTag.Unsupported.class, AudioTagParser.parse(mp3));
        assertTrue(u.what().contains("MP3"));
        mp3.release();
        ByteBuf opusHead = tag(0x90, 'O', 'p', 'u', 's');
        opusHead.writeBytes("OpusHead".getBytes()).writeByte(1).writeByte(2).writeShortLE(312).writeIntLE(48000)
                .writeShort(0).writeByte(0);
        AudioTag.Config o = assertInstanceOf(AudioTag.Config.class, AudioTagParser.parse(opusHead));
        assertEquals(Codec.OPUS, o.codec());
        assertEquals(2, o.channels());
        opusHead.release();
    }
}
