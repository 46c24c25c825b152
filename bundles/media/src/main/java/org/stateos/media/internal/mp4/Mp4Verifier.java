package org.stateos.media.internal.mp4;

import java.util.List;

/**
 * Checks that bytes read back from the store are the CMAF pieces this bundle writes, before they are served:
 * an init segment ({@code ftyp} + {@code moov}, one track) or a fragment ({@code moof} + {@code mdat} whose
 * sample table matches the data). Bounded: every size is checked against the bytes that are there.
 */
public final class Mp4Verifier {
    private Mp4Verifier() {}

    /** What an init segment describes. */
    public record InitInfo(String handler, String sampleEntry, long timescale) {}

    /** What a fragment holds. */
    public record FragmentInfo(long sequence, long baseDecodeTime, int samples, long duration, boolean startsWithSync) {}

    public static InitInfo init(byte[] b) throws Mp4FormatException {
        List<Box> top = Box.children(b, 0, b.length);
        if (top.size() < 2 || !top.get(0).type().equals("ftyp")) {
            throw new Mp4FormatException("init segment: does not start with 'ftyp'");
        }
        Box moov = Box.one(top, "moov", "init segment");
        List<Box> moovKids = Box.children(b, moov.bodyStart(), moov.end());
        Box.one(moovKids, "mvex", "moov");
        Box trak = Box.one(moovKids, "trak", "moov");
        Box mdia = Box.one(Box.children(b, trak.bodyStart(), trak.end()), "mdia", "trak");
        List<Box> mdiaKids = Box.children(b, mdia.bodyStart(), mdia.end());
        Box mdhd = Box.one(mdiaKids, "mdhd", "mdia");
        need(mdhd, 4 + 4 + 4 + 4, "mdhd");
        int version = b[mdhd.bodyStart()] & 0xFF;
        long timescale;
        if (version == 1) {
            need(mdhd, 4 + 8 + 8 + 4, "mdhd");
            timescale = Box.u32(b, mdhd.bodyStart() + 20);
        } else {
            timescale = Box.u32(b, mdhd.bodyStart() + 12);
        }
        if (timescale == 0) {
            throw new Mp4FormatException("mdhd: timescale 0");
        }
        Box hdlr = Box.one(mdiaKids, "hdlr", "mdia");
        need(hdlr, 12, "hdlr");
        String handler = new String(b, hdlr.bodyStart() + 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        Box minf = Box.one(mdiaKids, "minf", "mdia");
        Box stbl = Box.one(Box.children(b, minf.bodyStart(), minf.end()), "stbl", "minf");
        Box stsd = Box.one(Box.children(b, stbl.bodyStart(), stbl.end()), "stsd", "stbl");
        need(stsd, 8, "stsd");
        if (Box.u32(b, stsd.bodyStart() + 4) != 1) {
            throw new Mp4FormatException("stsd: expected one sample entry");
        }
        List<Box> entries = Box.children(b, stsd.bodyStart() + 8, stsd.end());
        if (entries.size() != 1) {
            throw new Mp4FormatException("stsd: " + entries.size() + " sample entries");
        }
        return new InitInfo(Box.printable(handler), Box.printable(entries.get(0).type()), timescale);
    }

    public static FragmentInfo fragment(byte[] b) throws Mp4FormatException {
        List<Box> top = Box.children(b, 0, b.length);
        if (top.size() != 2 || !top.get(0).type().equals("moof") || !top.get(1).type().equals("mdat")) {
            throw new Mp4FormatException("fragment: expected exactly 'moof' then 'mdat'");
        }
        Box moof = top.get(0);
        Box mdat = top.get(1);
        List<Box> moofKids = Box.children(b, moof.bodyStart(), moof.end());
        Box mfhd = Box.one(moofKids, "mfhd", "moof");
        need(mfhd, 8, "mfhd");
        long sequence = Box.u32(b, mfhd.bodyStart() + 4);
        Box traf = Box.one(moofKids, "traf", "moof");
        List<Box> trafKids = Box.children(b, traf.bodyStart(), traf.end());
        Box tfhd = Box.one(trafKids, "tfhd", "traf");
        need(tfhd, 8, "tfhd");
        Box tfdt = Box.one(trafKids, "tfdt", "traf");
        need(tfdt, 8, "tfdt");
        long base = (b[tfdt.bodyStart()] & 0xFF) == 1 ? (need(tfdt, 12, "tfdt") ? Box.u64(b, tfdt.bodyStart() + 4) : 0)
                : Box.u32(b, tfdt.bodyStart() + 4);
        Box trun = Box.one(trafKids, "trun", "traf");
        need(trun, 8, "trun");
        int flags = (int) (Box.u32(b, trun.bodyStart()) & 0xFFFFFF);
        if (flags != FragmentWriter.TRUN_FLAGS) {
            throw new Mp4FormatException("trun: flags " + Integer.toHexString(flags) + ", this writer uses "
                    + Integer.toHexString(FragmentWriter.TRUN_FLAGS));
        }
        long count = Box.u32(b, trun.bodyStart() + 4);
        need(trun, 12, "trun");
        long dataOffset = Box.u32(b, trun.bodyStart() + 8);
        if ((trun.bodySize() - 12) / 16 < count || trun.bodySize() - 12 != count * 16) {
            throw new Mp4FormatException("trun: " + count + " samples do not fit its " + trun.bodySize() + " bytes");
        }
        if (dataOffset != mdat.bodyStart() - moof.start()) {
            throw new Mp4FormatException("trun: data offset " + dataOffset + " does not point at the mdat data");
        }
        long total = 0;
        long duration = 0;
        boolean firstSync = false;
        for (int i = 0; i < count; i++) {
            int p = trun.bodyStart() + 12 + 16 * i;
            duration += Box.u32(b, p);
            total += Box.u32(b, p + 4);
            if (i == 0) {
                firstSync = Box.u32(b, p + 8) == FragmentWriter.SYNC_FLAGS;
            }
        }
        if (total != mdat.bodySize()) {
            throw new Mp4FormatException("fragment: samples total " + total + " bytes, mdat holds " + mdat.bodySize());
        }
        return new FragmentInfo(sequence, base, (int) count, duration, firstSync);
    }

    private static boolean need(Box box, int bytes, String what) throws Mp4FormatException {
        if (box.bodySize() < bytes) {
            throw new Mp4FormatException(what + ": " + box.bodySize() + " bytes, needs " + bytes);
        }
        return true;
    }
}
