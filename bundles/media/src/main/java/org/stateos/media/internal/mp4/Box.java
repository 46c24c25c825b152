package org.stateos.media.internal.mp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A box found in a byte array: its type and the range of its body. {@link #children} reads a run of boxes and
 * trusts no size field: each is checked against the bytes that are left before anything is read.
 */
public record Box(String type, int start, int bodyStart, int end) {
    /** Boxes one range may hold: each is 8 bytes at least, so this only caps pathological inputs. */
    static final int MAX_BOXES = 100_000;

    public int bodySize() {
        return end - bodyStart;
    }

    /** The boxes that exactly fill {@code [from, to)} of {@code b}. */
    public static List<Box> children(byte[] b, int from, int to) throws Mp4FormatException {
        List<Box> out = new ArrayList<>();
        int p = from;
        while (p < to) {
            if (to - p < 8) {
                throw new Mp4FormatException(to - p + " stray bytes at offset " + p + " (a box header needs 8)");
            }
            long size = u32(b, p);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                if (to - p < 16) {
                    throw new Mp4FormatException("box '" + printable(type) + "' at " + p + ": truncated 64-bit size");
                }
                size = u64(b, p + 8);
                header = 16;
            } else if (size == 0) {
                size = to - p;   // to the end of the enclosing range
            }
            if (size < header || size > to - p) {
                throw new Mp4FormatException("box '" + printable(type) + "' at " + p + " claims " + size
                        + " bytes; " + (to - p) + " are left");
            }
            if (out.size() >= MAX_BOXES) {
                throw new Mp4FormatException("more than " + MAX_BOXES + " boxes at one level");
            }
            out.add(new Box(type, p, p + header, (int) (p + size)));
            p += (int) size;
        }
        return out;
    }

    /** The only child of that type, or an error naming what is missing. */
    public static Box one(List<Box> boxes, String type, String where) throws Mp4FormatException {
        Box found = null;
        for (Box x : boxes) {
            if (x.type.equals(type)) {
                if (found != null) {
                    throw new Mp4FormatException(where + ": more than one '" + type + "'");
                }
                found = x;
            }
        }
        if (found == null) {
            throw new Mp4FormatException(where + ": no '" + type + "' box");
        }
        return found;
    }

    public static long u32(byte[] b, int p) {
        return (b[p] & 0xFFL) << 24 | (b[p + 1] & 0xFFL) << 16 | (b[p + 2] & 0xFFL) << 8 | (b[p + 3] & 0xFFL);
    }

    public static long u64(byte[] b, int p) {
        return u32(b, p) << 32 | u32(b, p + 4);
    }

    static String printable(String type) {
        StringBuilder s = new StringBuilder(4);
        for (char c : type.toCharArray()) {
            s.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return s.toString();
    }
}
