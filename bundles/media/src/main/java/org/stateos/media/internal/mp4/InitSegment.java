package org.stateos.media.internal.mp4;

import org.stateos.api.media.Codec;
import org.stateos.api.media.MediaKind;
import org.stateos.api.media.TrackConfig;

/**
 * The CMAF header of one track: {@code ftyp} + {@code moov} with an empty sample table and {@code mvex}, so the
 * samples come in {@code moof}/{@code mdat} fragments. One track per file (track_ID 1), timescale
 * {@link #TIMESCALE} for every track so frame times need no conversion.
 */
public final class InitSegment {
    public static final int TRACK_ID = 1;
    public static final int TIMESCALE = org.stateos.api.media.Frame.TIMEBASE;
    private static final int[] MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

    private InitSegment() {}

    /** The init segment for {@code config}; refuses codecs it cannot describe. */
    public static byte[] of(TrackConfig config) {
        BoxWriter w = new BoxWriter(1024 + config.configLength());
        int ftyp = w.begin("ftyp");
        w.fourcc("iso6").u32(0).fourcc("iso6").fourcc("cmfc").fourcc("mp41");
        w.end(ftyp);
        int moov = w.begin("moov");
        int mvhd = w.beginFull("mvhd", 0, 0);
        w.u32(0).u32(0).u32(1000).u32(0).u32(0x00010000).u16(0x0100).zeros(10);
        matrix(w);
        w.zeros(24).u32(TRACK_ID + 1);
        w.end(mvhd);
        trak(w, config);
        int mvex = w.begin("mvex");
        int trex = w.beginFull("trex", 0, 0);
        w.u32(TRACK_ID).u32(1).u32(0).u32(0).u32(0);
        w.end(trex);
        w.end(mvex);
        w.end(moov);
        return w.toByteArray();
    }

    private static void matrix(BoxWriter w) {
        for (int m : MATRIX) {
            w.u32(m & 0xFFFFFFFFL);
        }
    }

    private static void trak(BoxWriter w, TrackConfig c) {
        boolean video = c.kind() == MediaKind.VIDEO;
        int trak = w.begin("trak");
        int tkhd = w.beginFull("tkhd", 0, 3);   // enabled, in movie
        w.u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0).zeros(8).u16(0).u16(0).u16(video ? 0 : 0x0100).u16(0);
        matrix(w);
        w.u32((long) (video ? c.width() : 0) << 16).u32((long) (video ? c.height() : 0) << 16);
        w.end(tkhd);
        int mdia = w.begin("mdia");
        int mdhd = w.beginFull("mdhd", 0, 0);
        w.u32(0).u32(0).u32(TIMESCALE).u32(0).u16(0x55C4).u16(0);   // language "und"
        w.end(mdhd);
        int hdlr = w.beginFull("hdlr", 0, 0);
        w.u32(0).fourcc(video ? "vide" : "soun").zeros(12);
        w.bytes((video ? "StateOS video\0" : "StateOS audio\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        w.end(hdlr);
        int minf = w.begin("minf");
        if (video) {
            int vmhd = w.beginFull("vmhd", 0, 1);
            w.zeros(8);
            w.end(vmhd);
        } else {
            int smhd = w.beginFull("smhd", 0, 0);
            w.zeros(4);
            w.end(smhd);
        }
        int dinf = w.begin("dinf");
        int dref = w.beginFull("dref", 0, 0);
        w.u32(1);
        w.end(w.beginFull("url ", 0, 1));   // media in this file
        w.end(dref);
        w.end(dinf);
        int stbl = w.begin("stbl");
        int stsd = w.beginFull("stsd", 0, 0);
        w.u32(1);
        sampleEntry(w, c);
        w.end(stsd);
        int stts = w.beginFull("stts", 0, 0);
        w.u32(0);
        w.end(stts);
        int stsc = w.beginFull("stsc", 0, 0);
        w.u32(0);
        w.end(stsc);
        int stsz = w.beginFull("stsz", 0, 0);
        w.u32(0).u32(0);
        w.end(stsz);
        int stco = w.beginFull("stco", 0, 0);
        w.u32(0);
        w.end(stco);
        w.end(stbl);
        w.end(minf);
        w.end(mdia);
        w.end(trak);
    }

    private static void sampleEntry(BoxWriter w, TrackConfig c) {
        byte[] record = c.config();
        switch (c.codec()) {
            case H264 -> visual(w, c, "avc1", "avcC", record);
            case HEVC -> visual(w, c, "hvc1", "hvcC", record);
            case AV1 -> visual(w, c, "av01", "av1C", record);
            case AAC -> {
                int e = audio(w, c, "mp4a");
                esds(w, record);
                w.end(e);
            }
            case OPUS -> {
                int e = audio(w, c, "Opus");
                dops(w, c, record);
                w.end(e);
            }
            default -> throw new IllegalArgumentException("no CMAF sample entry for " + c.codec());
        }
    }

    private static void visual(BoxWriter w, TrackConfig c, String entry, String configBox, byte[] record) {
        if (record.length == 0) {
            throw new IllegalArgumentException(c.codec() + " track " + c.track() + " has no configuration record");
        }
        int e = w.begin(entry);
        w.zeros(6).u16(1).u16(0).u16(0).zeros(12);
        w.u16(Math.min(c.width(), 0xFFFF)).u16(Math.min(c.height(), 0xFFFF));
        w.u32(0x00480000).u32(0x00480000).u32(0).u16(1).zeros(32).u16(0x0018).u16(0xFFFF);
        int cb = w.begin(configBox);
        w.bytes(record);
        w.end(cb);
        w.end(e);
    }

    private static int audio(BoxWriter w, TrackConfig c, String entry) {
        int e = w.begin(entry);
        int rate = c.codec() == Codec.OPUS ? 48000 : c.sampleRate();
        w.zeros(6).u16(1).zeros(8).u16(Math.max(1, c.channels())).u16(16).u16(0).u16(0);
        w.u32((long) Math.min(rate, 0xFFFF) << 16);
        return e;
    }

    /** MPEG-4 ES descriptor carrying the AudioSpecificConfig (ISO 14496-1 and 14496-14). */
    private static void esds(BoxWriter w, byte[] asc) {
        int esds = w.beginFull("esds", 0, 0);
        int dsi = 5 + asc.length;
        int dcd = 5 + 13 + dsi;
        int es = 5 + 3 + dcd + 5 + 1;
        descriptor(w, 0x03, es - 5);
        w.u16(TRACK_ID).u8(0);
        descriptor(w, 0x04, dcd - 5);
        w.u8(0x40).u8(0x15).u24(0).u32(0).u32(0);   // MPEG-4 audio, audio stream
        descriptor(w, 0x05, asc.length);
        w.bytes(asc);
        descriptor(w, 0x06, 1);
        w.u8(0x02);
        w.end(esds);
    }

    private static void descriptor(BoxWriter w, int tag, int length) {
        w.u8(tag).u8(0x80 | (length >>> 21) & 0x7F).u8(0x80 | (length >>> 14) & 0x7F).u8(0x80 | (length >>> 7) & 0x7F)
                .u8(length & 0x7F);
    }

    /** Opus in ISO BMFF: the dOps box, from an OpusHead (little-endian) when the track carries one. */
    private static void dops(BoxWriter w, TrackConfig c, byte[] head) {
        int channels = Math.max(1, c.channels());
        int preSkip = 312;
        long inputRate = 48000;
        int gain = 0;
        if (head.length >= 19 && new String(head, 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("OpusHead")) {
            channels = head[9] & 0xFF;
            preSkip = (head[10] & 0xFF) | (head[11] & 0xFF) << 8;
            inputRate = (head[12] & 0xFFL) | (head[13] & 0xFFL) << 8 | (head[14] & 0xFFL) << 16 | (head[15] & 0xFFL) << 24;
            gain = (head[16] & 0xFF) | (head[17] & 0xFF) << 8;
        }
        int box = w.begin("dOps");
        w.u8(0).u8(channels).u16(preSkip).u32(inputRate).u16(gain).u8(0);
        w.end(box);
    }
}
