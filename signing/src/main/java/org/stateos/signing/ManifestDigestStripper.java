package org.stateos.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Removes the per-entry digest attributes an earlier signer left in a manifest ({@code SHA-256-Digest},
 * {@code SHA1-Digest}, {@code MD5-Digest}, the old {@code Digest-Algorithms}, ...) and drops per-entry sections
 * that hold nothing else. Works on the raw bytes: the main section (the OSGi headers) and every kept line come
 * out byte for byte as they went in, line endings and continuation lines included.
 */
public final class ManifestDigestStripper {

    private ManifestDigestStripper() {}

    public static byte[] strip(byte[] manifest) {
        List<byte[]> lines = physicalLines(manifest);
        ByteArrayOutputStream out = new ByteArrayOutputStream(manifest.length);
        int index = 0;
        // Main section: copied as is, up to and including the blank line that ends it.
        while (index < lines.size()) {
            byte[] line = lines.get(index++);
            out.writeBytes(line);
            if (isBlank(line)) {
                break;
            }
        }
        // Per-entry sections.
        while (index < lines.size()) {
            List<byte[]> section = new ArrayList<>();
            byte[] terminator = null;
            while (index < lines.size()) {
                byte[] line = lines.get(index++);
                if (isBlank(line)) {
                    terminator = line;
                    break;
                }
                section.add(line);
            }
            List<byte[]> kept = keptHeaders(section);
            if (kept.isEmpty()) {
                continue;
            }
            kept.forEach(out::writeBytes);
            if (terminator != null) {
                out.writeBytes(terminator);
            }
        }
        return out.toByteArray();
    }

    /** The section's lines without digest headers; empty when only the Name header (or nothing) would remain. */
    private static List<byte[]> keptHeaders(List<byte[]> section) {
        List<byte[]> kept = new ArrayList<>(section.size());
        boolean keepCurrent = true;
        int headers = 0;
        boolean hasName = false;
        for (byte[] line : section) {
            if (line[0] != ' ') { // a new header; lines starting with a space continue the previous one
                String name = headerName(line);
                keepCurrent = !isDigestHeader(name);
                if (keepCurrent) {
                    headers++;
                    hasName |= name.equalsIgnoreCase("Name");
                }
            }
            if (keepCurrent) {
                kept.add(line);
            }
        }
        boolean onlyName = headers == 0 || (headers == 1 && hasName);
        return onlyName ? List.of() : kept;
    }

    static boolean isDigestHeader(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.endsWith("-DIGEST") || upper.equals("DIGEST-ALGORITHMS");
    }

    private static String headerName(byte[] line) {
        int colon = 0;
        while (colon < line.length && line[colon] != ':') {
            colon++;
        }
        return new String(line, 0, colon, StandardCharsets.UTF_8).trim();
    }

    private static boolean isBlank(byte[] line) {
        return line.length == 0 || line[0] == '\r' || line[0] == '\n';
    }

    /** Splits into lines, each keeping its own terminator (CRLF, LF or CR); the last may have none. */
    private static List<byte[]> physicalLines(byte[] data) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < data.length) {
            byte b = data[i];
            if (b == '\n' || b == '\r') {
                int end = i + 1;
                if (b == '\r' && end < data.length && data[end] == '\n') {
                    end++;
                }
                lines.add(Arrays.copyOfRange(data, start, end));
                start = end;
                i = end;
            } else {
                i++;
            }
        }
        if (start < data.length) {
            lines.add(Arrays.copyOfRange(data, start, data.length));
        }
        return lines;
    }
}
