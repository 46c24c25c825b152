package org.stateos.store.internal.command;

import java.util.ArrayList;
import java.util.List;

/** Column helpers for output read on an 80-column serial console (as in the node bundle). Pure functions. */
final class Text {
    static final int WIDTH = 80;
    /** ASCII, because a serial console may not speak UTF-8. */
    static final char CUT = '~';

    private Text() {}

    /**
     * Replaces control characters (C0, DEL, C1) with '?'. Names, signers and reasons come from bundle
     * manifests and certificates, i.e. from whoever built a refused bundle: an escape sequence in them must
     * not reach the operator's terminal.
     */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append('?');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Keeps the head: "0.1.0.SNAPSHOT" in 8 → "0.1.0.S~". */
    static String cutEnd(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + CUT;
    }

    /** Keeps the tail, where a symbolic name differs from its neighbours: "~apache.karaf.shell.core". */
    static String cutStart(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width <= 1 ? s.substring(s.length() - Math.max(0, width)) : CUT + s.substring(s.length() - width + 1);
    }

    static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** Word-wraps to lines of at most {@code width}; a word longer than a line is broken. Never loses text. */
    static List<String> wrap(String s, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : s.trim().split("\\s+")) {
            while (word.length() > width) {
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** "1.5 GiB", "512 B": binary units, one decimal. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
