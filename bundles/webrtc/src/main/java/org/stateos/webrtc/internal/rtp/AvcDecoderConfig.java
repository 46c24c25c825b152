package org.stateos.webrtc.internal.rtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1) the packetizer needs: the NAL length
 * size of the frames and the SPS and PPS to send before each keyframe. Parsing checks every length against what
 * is left.
 *
 * @param profileIdc       AVCProfileIndication (66 baseline, 77 main, 100 high, ...)
 * @param profileCompat    profile_compatibility (the constraint_set flags)
 * @param levelIdc         AVCLevelIndication
 * @param nalLengthSize    bytes of each NAL unit's length prefix in the frames: 1, 2 or 4
 * @param sps              the sequence parameter sets
 * @param pps              the picture parameter sets
 */
public record AvcDecoderConfig(int profileIdc, int profileCompat, int levelIdc, int nalLengthSize, List<byte[]> sps,
        List<byte[]> pps) {

    public AvcDecoderConfig {
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    /** The profile-level-id this configuration announces, e.g. {@code 42e01f}. */
    public String profileLevelId() {
        return String.format("%02x%02x%02x", profileIdc, profileCompat, levelIdc);
    }

    /** SPS then PPS: what goes into the STAP-A before a keyframe. */
    public List<byte[]> parameterSets() {
        List<byte[]> all = new ArrayList<>(sps.size() + pps.size());
        all.addAll(sps);
        all.addAll(pps);
        return all;
    }

    /**
     * Parses a record.
     *
     * @throws IllegalArgumentException saying what is wrong, for a record that is truncated or inconsistent
     */
    public static AvcDecoderConfig parse(byte[] record) {
        if (record.length < 7) {
            throw new IllegalArgumentException("avcC of " + record.length + " bytes is shorter than its 7-byte header");
        }
        if (record[0] != 1) {
            throw new IllegalArgumentException("avcC configurationVersion " + (record[0] & 0xff) + " is not 1");
        }
        int lengthSize = (record[4] & 0x03) + 1;
        if (lengthSize == 3) {
            throw new IllegalArgumentException("avcC lengthSizeMinusOne of 2 is not allowed");
        }
        int pos = 5;
        int spsCount = record[pos++] & 0x1f;
        List<byte[]> sps = new ArrayList<>(spsCount);
        pos = readSets(record, pos, spsCount, sps, "SPS");
        if (pos >= record.length) {
            throw new IllegalArgumentException("avcC ends before its PPS count");
        }
        int ppsCount = record[pos++] & 0xff;
        List<byte[]> pps = new ArrayList<>(ppsCount);
        readSets(record, pos, ppsCount, pps, "PPS");
        if (sps.isEmpty() || pps.isEmpty()) {
            throw new IllegalArgumentException("avcC holds " + sps.size() + " SPS and " + pps.size() + " PPS; needs at least one of each");
        }
        return new AvcDecoderConfig(record[1] & 0xff, record[2] & 0xff, record[3] & 0xff, lengthSize, sps, pps);
    }

    private static int readSets(byte[] record, int pos, int count, List<byte[]> out, String what) {
        for (int i = 0; i < count; i++) {
            if (record.length - pos < 2) {
                throw new IllegalArgumentException("avcC ends inside the length of " + what + " " + i);
            }
            int len = (record[pos] & 0xff) << 8 | record[pos + 1] & 0xff;
            pos += 2;
            if (len == 0 || len > record.length - pos) {
                throw new IllegalArgumentException("avcC " + what + " " + i + " of " + len + " bytes does not fit the "
                        + (record.length - pos) + " bytes left");
            }
            out.add(Arrays.copyOfRange(record, pos, pos + len));
            pos += len;
        }
        return pos;
    }
}
