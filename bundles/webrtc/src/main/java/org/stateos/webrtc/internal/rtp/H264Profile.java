package org.stateos.webrtc.internal.rtp;

/**
 * A profile-level-id (RFC 6184 8.1): profile_idc, the constraint_set flags byte and level_idc.
 */
public record H264Profile(int profileIdc, int constraints, int levelIdc) {
    public static final int BASELINE = 66;
    public static final int MAIN = 77;
    public static final int HIGH = 100;

    /** Parses six hex digits, e.g. {@code 42e01f}; null if it is not that. */
    public static H264Profile parse(String hex) {
        if (hex == null || hex.length() != 6) {
            return null;
        }
        try {
            int v = Integer.parseUnsignedInt(hex, 16);
            return new H264Profile(v >>> 16, v >>> 8 & 0xff, v & 0xff);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Constrained baseline: baseline with constraint_set1 (or main with constraint_set0 and 1). */
    public boolean isConstrainedBaseline() {
        return profileIdc == BASELINE && (constraints & 0x40) != 0
                || profileIdc == MAIN && (constraints & 0xc0) == 0xc0;
    }

    @Override
    public String toString() {
        return String.format("%02x%02x%02x", profileIdc, constraints, levelIdc);
    }

    /** A short name for operators: {@code constrained-baseline}, {@code baseline}, {@code main}, {@code high}. */
    public String name() {
        if (isConstrainedBaseline()) {
            return "constrained-baseline";
        }
        return switch (profileIdc) {
            case BASELINE -> "baseline";
            case MAIN -> "main";
            case 88 -> "extended";
            case HIGH -> "high";
            default -> "profile-" + profileIdc;
        };
    }
}
