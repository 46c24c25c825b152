package org.stateos.api.console;

import java.util.ArrayList;
import java.util.List;

/**
 * Column helpers for console commands read on an 80-column serial console: one implementation for
 * every bundle's commands. Pure functions. Bundles extend it as their own package-private Text.
 */
public class ConsoleText {
    public static final int WIDTH = 80;
    /** ASCII, because a serial console may not speak UTF-8. */
    public static final char CUT = '~';

    protected ConsoleText() {}

    /**
     * Replaces control characters (C0, DEL, C1) with '?'. Names, signers and reasons come from bundle
     * manifests and certificates, i.e. from whoever built a refused bundle: an escape sequence in them must
     * not reach the operator's terminal.
     */
    public static String clean(String s) {
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
    public static String cutEnd(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + CUT;
    }

    /** Keeps the tail, where a symbolic name differs from its neighbours: "~apache.karaf.shell.core". */
    public static String cutStart(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width <= 1 ? s.substring(s.length() - Math.max(0, width)) : CUT + s.substring(s.length() - width + 1);
    }

    public static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    public static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** Word-wraps to lines of at most {@code width}; a word longer than a line is broken. Never loses text. */
    public static List<String> wrap(String s, int width) {
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
}
