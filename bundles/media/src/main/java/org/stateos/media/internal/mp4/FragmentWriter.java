package org.stateos.media.internal.mp4;

import java.util.List;

/** Writes one CMAF fragment: {@code moof} (mfhd, traf: tfhd, tfdt, trun) then {@code mdat}. */
public final class FragmentWriter {
    /** Sample flags: a sync sample (depends on no other); a non-sync sample (depends on others). */
    static final int SYNC_FLAGS = 0x02000000;
    static final int NON_SYNC_FLAGS = 0x01010000;
    /** trun: data offset, and per sample duration, size, flags and composition offset. */
    static final int TRUN_FLAGS = 0x000F01;
    /** tfhd: default-base-is-moof (CMAF). */
    static final int TFHD_FLAGS = 0x020000;

    private FragmentWriter() {}

    /**
     * @param sequence         mfhd sequence number, from 1
     * @param baseDecodeTime   decode time of the first sample, in the timescale (&ge; 0)
     * @param samples          the samples, in decode order
     * @param payloadBytes     the total of the samples' sizes
     * @param payload          writes the samples' bytes, in order, into the writer
     */
    public static byte[] write(int sequence, long baseDecodeTime, List<Sample> samples, long payloadBytes,
            java.util.function.Consumer<BoxWriter> payload) {
        if (baseDecodeTime < 0) {
            throw new IllegalArgumentException("negative base decode time " + baseDecodeTime);
        }
        if (payloadBytes > Integer.MAX_VALUE - 4096L - 16L * samples.size()) {
            throw new IllegalArgumentException("fragment of " + payloadBytes + " bytes");
        }
        BoxWriter w = new BoxWriter((int) payloadBytes + 128 + 16 * samples.size());
        int moof = w.begin("moof");
        int mfhd = w.beginFull("mfhd", 0, 0);
        w.u32(sequence);
        w.end(mfhd);
        int traf = w.begin("traf");
        int tfhd = w.beginFull("tfhd", 0, TFHD_FLAGS);
        w.u32(InitSegment.TRACK_ID);
        w.end(tfhd);
        int tfdt = w.beginFull("tfdt", 1, 0);
        w.u64(baseDecodeTime);
        w.end(tfdt);
        int trun = w.beginFull("trun", 1, TRUN_FLAGS);   // version 1: signed composition offsets
        w.u32(samples.size());
        int dataOffset = w.reserve(4);
        for (Sample s : samples) {
            w.u32(Math.max(0, Math.min(s.duration(), 0xFFFFFFFFL)));
            w.u32(s.size());
            w.u32(s.sync() ? SYNC_FLAGS : NON_SYNC_FLAGS);
            w.u32((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s.compositionOffset())));
        }
        w.end(trun);
        w.end(traf);
        w.end(moof);
        w.patch32(dataOffset, (w.position() - moof) + 8L);   // base is the moof; samples follow the mdat header
        int mdat = w.begin("mdat");
        int before = w.position();
        payload.accept(w);
        if (w.position() - before != payloadBytes) {
            throw new IllegalStateException("fragment payload wrote " + (w.position() - before) + " bytes, expected "
                    + payloadBytes);
        }
        w.end(mdat);
        return w.toByteArray();
    }
}
