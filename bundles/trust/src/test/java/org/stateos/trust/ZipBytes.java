package org.stateos.trust;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A minimal zip reader/writer for the fuzz tests. Unlike {@link java.util.zip.ZipOutputStream} it writes what it is
 * told: duplicate names, any name, stored or deflated per entry, extra fields, entry and archive comments. It always
 * writes a well-formed archive (sizes, CRCs and offsets are right); breaking the bytes is the fuzzer's job.
 */
final class ZipBytes {

    /**
     * One entry: its name, its uncompressed content, and the metadata no jar signature covers. A non-empty
     * {@code hiddenTail} is stored after the content, in the same data (one deflate stream, or the stored bytes),
     * while the headers declare the size and CRC of {@code content} alone.
     */
    record Entry(String name, byte[] content, boolean deflated, byte[] extra, int dosTime, byte[] comment,
                 byte[] hiddenTail) {
        Entry {
            extra = extra == null ? new byte[0] : extra;
            comment = comment == null ? new byte[0] : comment;
            hiddenTail = hiddenTail == null ? new byte[0] : hiddenTail;
        }

        Entry(String name, byte[] content, boolean deflated) {
            this(name, content, deflated, null, SOME_DOS_TIME, null, null);
        }

        Entry withName(String newName) {
            return new Entry(newName, content, deflated, extra, dosTime, comment, hiddenTail);
        }

        Entry withContent(byte[] newContent) {
            return new Entry(name, newContent, deflated, extra, dosTime, comment, hiddenTail);
        }

        Entry withMetadata(boolean newDeflated, byte[] newExtra, int newDosTime, byte[] newComment) {
            return new Entry(name, content, newDeflated, newExtra, newDosTime, newComment, hiddenTail);
        }

        Entry withHiddenTail(byte[] tail) {
            return new Entry(name, content, deflated, extra, dosTime, comment, tail);
        }
    }

    /** Where one entry's parts lie in an archive: [start, end) of its local header, data and central record. */
    record Layout(int localStart, int dataStart, int dataEnd, int centralStart, int centralEnd) {}

    /** 1 January 2024, 00:00, in MS-DOS date/time format. */
    static final int SOME_DOS_TIME = ((2024 - 1980) << 25) | (1 << 21) | (1 << 16);

    private ZipBytes() {}

    /** The entries of a jar in central directory order, as {@link ZipFile} reads them. */
    static List<Entry> read(Path jar) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(e)) {
                    entries.add(new Entry(e.getName(), in.readAllBytes(), e.getMethod() == ZipEntry.DEFLATED));
                }
            }
        }
        return entries;
    }

    /** A well-formed zip archive of {@code entries}, in that order, with an archive comment. */
    static byte[] write(List<Entry> entries, byte[] archiveComment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            byte[] whole = e.hiddenTail().length == 0 ? e.content() : concat(e.content(), e.hiddenTail());
            byte[] data = e.deflated() ? deflate(whole) : whole;
            CRC32 crc = new CRC32();
            crc.update(e.content());
            int method = e.deflated() ? ZipEntry.DEFLATED : ZipEntry.STORED;
            int offset = out.size();

            int32(out, 0x04034b50);
            int16(out, 20);         // version needed
            int16(out, 0x0800);     // flags: names are UTF-8
            int16(out, method);
            int32(out, e.dosTime());
            int32(out, (int) crc.getValue());
            int32(out, data.length);
            int32(out, e.content().length);
            int16(out, name.length);
            int16(out, e.extra().length);
            out.writeBytes(name);
            out.writeBytes(e.extra());
            out.writeBytes(data);

            int32(central, 0x02014b50);
            int16(central, 20);     // version made by
            int16(central, 20);     // version needed
            int16(central, 0x0800);
            int16(central, method);
            int32(central, e.dosTime());
            int32(central, (int) crc.getValue());
            int32(central, data.length);
            int32(central, e.content().length);
            int16(central, name.length);
            int16(central, e.extra().length);
            int16(central, e.comment().length);
            int16(central, 0);      // disk number
            int16(central, 0);      // internal attributes
            int32(central, 0);      // external attributes
            int32(central, offset);
            central.writeBytes(name);
            central.writeBytes(e.extra());
            central.writeBytes(e.comment());
        }
        int centralOffset = out.size();
        out.writeBytes(central.toByteArray());
        int32(out, 0x06054b50);
        int16(out, 0);
        int16(out, 0);
        int16(out, entries.size());
        int16(out, entries.size());
        int32(out, central.size());
        int32(out, centralOffset);
        int16(out, archiveComment.length);
        out.writeBytes(archiveComment);
        return out.toByteArray();
    }

    /**
     * The layout of each entry, from the central directory (the last end record in the archive), or an empty
     * list if the archive is too broken to tell.
     */
    static List<Layout> layout(byte[] zip) {
        List<Layout> layouts = new ArrayList<>();
        int end = zip.length - 22;
        while (end >= 0 && int32(zip, end) != 0x06054b50) {
            end--;
        }
        if (end < 0) {
            return layouts;
        }
        int count = int16(zip, end + 10);
        int at = int32(zip, end + 16);
        for (int i = 0; i < count; i++) {
            if (at < 0 || at + 46 > zip.length || int32(zip, at) != 0x02014b50) {
                return List.of();
            }
            int centralEnd = at + 46 + int16(zip, at + 28) + int16(zip, at + 30) + int16(zip, at + 32);
            int local = int32(zip, at + 42);
            if (local < 0 || local + 30 > zip.length) {
                return List.of();
            }
            int dataStart = local + 30 + int16(zip, local + 26) + int16(zip, local + 28);
            int dataEnd = dataStart + int32(zip, at + 20);
            if (centralEnd > zip.length || dataStart > zip.length || dataEnd < dataStart || dataEnd > zip.length) {
                return List.of();
            }
            layouts.add(new Layout(local, dataStart, dataEnd, at, centralEnd));
            at = centralEnd;
        }
        return layouts;
    }

    private static int int16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int int32(byte[] b, int at) {
        return int16(b, at) | int16(b, at + 2) << 16;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] deflate(byte[] content) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(content);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void int16(ByteArrayOutputStream out, int value) {
        out.write(value & 0xff);
        out.write((value >>> 8) & 0xff);
    }

    private static void int32(ByteArrayOutputStream out, int value) {
        int16(out, value & 0xffff);
        int16(out, (value >>> 16) & 0xffff);
    }
}
