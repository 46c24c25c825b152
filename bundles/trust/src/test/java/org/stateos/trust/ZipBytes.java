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

    /** One entry: its name, its uncompressed content, and the metadata no jar signature covers. */
    record Entry(String name, byte[] content, boolean deflated, byte[] extra, int dosTime, byte[] comment) {
        Entry {
            extra = extra == null ? new byte[0] : extra;
            comment = comment == null ? new byte[0] : comment;
        }

        Entry withName(String newName) {
            return new Entry(newName, content, deflated, extra, dosTime, comment);
        }

        Entry withContent(byte[] newContent) {
            return new Entry(name, newContent, deflated, extra, dosTime, comment);
        }

        Entry withMetadata(boolean newDeflated, byte[] newExtra, int newDosTime, byte[] newComment) {
            return new Entry(name, content, newDeflated, newExtra, newDosTime, newComment);
        }
    }

    /** 1 January 2024, 00:00, in MS-DOS date/time format. */
    static final int SOME_DOS_TIME = ((2024 - 1980) << 25) | (1 << 21) | (1 << 16);

    private ZipBytes() {}

    /** The entries of a jar in central directory order, as {@link ZipFile} reads them. */
    static List<Entry> read(Path jar) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(e)) {
                    entries.add(new Entry(e.getName(), in.readAllBytes(), e.getMethod() == ZipEntry.DEFLATED,
                            new byte[0], SOME_DOS_TIME, new byte[0]));
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
            byte[] data = e.deflated() ? deflate(e.content()) : e.content();
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
