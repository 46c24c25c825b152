package org.stateos.rtmp.internal.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** SPS NAL units written by x264 (ffmpeg 5.1 in this image), each with the picture size it was made for. */
class SpsParserTest {
    static final String X264_320X240_BASELINE = "6742c00dda0507ec0440000003004000000c83c50aa8";
    static final String X264_320X240_MAIN = "674d400deca0a0fd80880000030008000003019078a14cb0";
    /** High profile, 1920x1088 coded and cropped by 8 lines to 1080. */
    static final String HIGH_1920X1080_CROPPED = "67640028acd940780227e5c044000003000400000300c83c60c658";
    /** High 4:4:4 Predictive (chroma_format_idc 3). */
    static final String HIGH444_320X240 = "67f4000d919b28283f6022000003000200000300641e28532c";
    /** Interlaced (field coding, frame_mbs_only_flag 0), 318 wide: cropped horizontally and vertically. */
    static final String INTERLACED_318X180 = "67640015acd941433d49808800000300080000030190f8a14cb0";

    static SpsParser.Sps parse(String hex) throws FlvFormatException {
        byte[] nal = HexFormat.of().parseHex(hex);
        return SpsParser.parse(nal, 0, nal.length);
    }

    @Test
    void readsBaselineAndMainProfilePictureSizes() throws Exception {
        SpsParser.Sps baseline = parse(X264_320X240_BASELINE);
        assertEquals(66, baseline.profileIdc());
        assertEquals(320, baseline.width());
        assertEquals(240, baseline.height());
        SpsParser.Sps main = parse(X264_320X240_MAIN);
        assertEquals(77, main.profileIdc());
        assertEquals(320, main.width());
        assertEquals(240, main.height());
    }

    @Test
    void appliesTheCroppingWindow() throws Exception {
        SpsParser.Sps hd = parse(HIGH_1920X1080_CROPPED);
        assertEquals(100, hd.profileIdc());
        assertEquals(1920, hd.width());
        assertEquals(1080, hd.height());
        SpsParser.Sps interlaced = parse(INTERLACED_318X180);
        assertEquals(318, interlaced.width());
        assertEquals(180, interlaced.height());
    }

    @Test
    void readsHigh444ChromaFormat() throws Exception {
        SpsParser.Sps sps = parse(HIGH444_320X240);
        assertEquals(244, sps.profileIdc());
        assertEquals(3, sps.chromaFormatIdc());
        assertEquals(320, sps.width());
        assertEquals(240, sps.height());
    }

    @Test
    void refusesTruncatedAndForeignNalUnits() {
        byte[] nal = HexFormat.of().parseHex(X264_320X240_BASELINE);
        for (int len = 0; len < 8; len++) {
            int n = len;
            assertThrows(FlvFormatException.class, () -> SpsParser.parse(nal, 0, n), "length " + len);
        }
        byte[] pps = HexFormat.of().parseHex("68ce3880");
        assertThrows(FlvFormatException.class, () -> SpsParser.parse(pps, 0, pps.length));
        // 32 zero bits: an Exp-Golomb code longer than any field can be
        byte[] zeros = HexFormat.of().parseHex("6742c00d00000000000000");
        FlvFormatException e = assertThrows(FlvFormatException.class, () -> SpsParser.parse(zeros, 0, zeros.length));
        assertEquals(true, e.getMessage().contains("Exp-Golomb") || e.getMessage().contains("ends early"),
                e.getMessage());
    }

    @Test
    void removesEmulationPreventionBytes() {
        byte[] escaped = {0, 0, 3, 1, 0, 0, 3, 0, 5};
        assertEquals(HexFormat.of().formatHex(new byte[] {0, 0, 1, 0, 0, 0, 5}),
                HexFormat.of().formatHex(SpsParser.unescape(escaped, 0, escaped.length)));
    }
}
