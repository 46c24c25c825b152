package org.stateos.rtmp.internal.flv;

/**
 * The parts of an H.264 sequence parameter set (ITU-T H.264, 7.3.2.1.1) needed for the picture size: profile,
 * chroma format, macroblock counts, frame/field coding and the cropping window.
 */
public final class SpsParser {
    /** Larger pictures than this are refused as nonsense (H.264 level 6.2 tops out at 8192x4320). */
    public static final int MAX_DIMENSION = 16_384;

    /** What the SPS says. */
    public record Sps(int profileIdc, int levelIdc, int chromaFormatIdc, int width, int height) {
    }

    private SpsParser() {
    }

    /**
     * @param nal one SPS NAL unit with its one-byte header (type 7), emulation prevention bytes still in it
     */
    public static Sps parse(byte[] nal, int offset, int length) throws FlvFormatException {
        if (length < 4) {
            throw new FlvFormatException("SPS of " + length + " bytes");
        }
        if ((nal[offset] & 0x1F) != 7) {
            throw new FlvFormatException("NAL unit type " + (nal[offset] & 0x1F) + " where an SPS (7) belongs");
        }
        byte[] rbsp = unescape(nal, offset + 1, length - 1);
        BitReader r = new BitReader(rbsp, 0, rbsp.length);
        int profile = r.u(8);
        r.skip(8); // constraint flags
        int level = r.u(8);
        r.ue(); // seq_parameter_set_id
        int chroma = 1;
        boolean separateColourPlanes = false;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chroma = r.ue();
            if (chroma > 3) {
                throw new FlvFormatException("chroma_format_idc " + chroma);
            }
            if (chroma == 3) {
                separateColourPlanes = r.u1() == 1;
            }
            r.ue(); // bit_depth_luma_minus8
            r.ue(); // bit_depth_chroma_minus8
            r.u1(); // qpprime_y_zero_transform_bypass_flag
            if (r.u1() == 1) { // seq_scaling_matrix_present_flag
                int lists = chroma != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.u1() == 1) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.u1(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new FlvFormatException("num_ref_frames_in_pic_order_cnt_cycle " + cycle);
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        } else if (pocType != 2) {
            throw new FlvFormatException("pic_order_cnt_type " + pocType);
        }
        r.ue(); // max_num_ref_frames
        r.u1(); // gaps_in_frame_num_value_allowed_flag
        long widthMbs = r.ue() + 1L;
        long heightMapUnits = r.ue() + 1L;
        int frameMbsOnly = r.u1();
        if (frameMbsOnly == 0) {
            r.u1(); // mb_adaptive_frame_field_flag
        }
        r.u1(); // direct_8x8_inference_flag
        long cropLeft = 0;
        long cropRight = 0;
        long cropTop = 0;
        long cropBottom = 0;
        if (r.u1() == 1) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        int chromaArrayType = separateColourPlanes ? 0 : chroma;
        long cropUnitX;
        long cropUnitY;
        if (chromaArrayType == 0) {
            cropUnitX = 1;
            cropUnitY = 2 - frameMbsOnly;
        } else {
            long subWidthC = chroma == 3 ? 1 : 2;
            long subHeightC = chroma == 1 ? 2 : 1;
            cropUnitX = subWidthC;
            cropUnitY = subHeightC * (2 - frameMbsOnly);
        }
        long width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        long height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new FlvFormatException("SPS gives a picture of " + width + "x" + height);
        }
        return new Sps(profile, level, chroma, (int) width, (int) height);
    }

    private static void skipScalingList(BitReader r, int size) throws FlvFormatException {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                int delta = r.se();
                next = Math.floorMod(last + delta, 256);
            }
            last = next == 0 ? last : next;
        }
    }

    /** Removes emulation prevention bytes (00 00 03 → 00 00). */
    static byte[] unescape(byte[] data, int offset, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = data[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out[n++] = (byte) b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return n == length ? out : java.util.Arrays.copyOf(out, n);
    }
}
