package org.stateos.media.internal.record;

import java.util.ArrayList;
import java.util.List;

import org.stateos.api.media.Frame;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.mp4.FragmentWriter;
import org.stateos.media.internal.mp4.InitSegment;
import org.stateos.media.internal.mp4.Sample;

/**
 * Cuts one track into fragments. The caller decides where to cut ({@link #cut}); this class keeps the frames
 * of the open fragment (one reference each) and a decode timeline that never goes back, across publisher
 * changes ({@link Frame#DISCONTINUITY}).
 */
final class TrackFragmenter {
    /** Assumed duration of a last frame whose successor never came: 1/25 s of video, or the last seen one. */
    private static final long DEFAULT_DURATION = Frame.TIMEBASE / 25;

    private final int track;
    private TrackConfig config;
    private byte[] init;
    private final List<Frame> pending = new ArrayList<>();
    /** The pending frames' decode times on this track's timeline (the offset may move before a cut). */
    private final List<Long> pendingDts = new ArrayList<>();
    private long pendingBytes;
    private long offset;            // added to frame DTS/PTS so the track's decode time never decreases
    private boolean started;
    private long lastDts;           // mapped DTS of the last frame seen
    private long lastDuration = DEFAULT_DURATION;
    private int sequence;

    TrackFragmenter(int track) {
        this.track = track;
    }

    /** @return true when the setup changed (a new init segment is due; the open fragment was cut first) */
    boolean configure(TrackConfig c) {
        boolean changed = config == null || !config.sameSetup(c);
        config = c;
        if (changed) {
            init = InitSegment.of(c);
        }
        return changed;
    }

    TrackConfig config() {
        return config;
    }

    byte[] init() {
        return init;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    long pendingBytes() {
        return pendingBytes;
    }

    /** Duration of the open fragment so far, in ticks. */
    long pendingTicks() {
        return pending.isEmpty() ? 0 : lastDts - pendingDts.get(0);
    }

    private long mapped(Frame f) {
        return f.dts() + offset;
    }

    /** Where {@code f} would sit on this track's timeline; sets the offset at a discontinuity. */
    void place(Frame f) {
        if (!started) {
            offset = f.dts() < 0 ? -f.dts() : 0;
            started = true;
        } else if (f.isDiscontinuity() || f.dts() + offset < lastDts) {
            // A new timeline (publisher came back) or a step back: continue right after the last frame.
            offset = lastDts + lastDuration - f.dts();
        }
    }

    /** Adds a frame (after {@link #place}); keeps its own reference. */
    void add(Frame f) {
        long d = mapped(f);
        if (!pending.isEmpty() && d > lastDts) {
            lastDuration = d - lastDts;
        }
        lastDts = d;
        pending.add(f.retainedDuplicate());
        pendingDts.add(d);
        pendingBytes += f.size();
    }

    /**
     * Ends the open fragment. {@code next} is the frame that starts the next one (placed already), or null at
     * the end of a timeline: the last frame then lasts as long as the one before it.
     */
    Fragment cut(Frame next) {
        if (pending.isEmpty()) {
            return null;
        }
        long endDts = next != null ? Math.max(mapped(next), lastDts) : lastDts + lastDuration;
        Frame last = pending.get(pending.size() - 1);
        long endMicros = next != null ? next.ingestMicros() : last.ingestMicros() + Frame.ticksToMicros(lastDuration);
        List<Sample> samples = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            Frame f = pending.get(i);
            long nextDts = i + 1 < pending.size() ? pendingDts.get(i + 1) : endDts;
            samples.add(new Sample(f.size(), Math.max(0, nextDts - pendingDts.get(i)), f.compositionOffset(),
                    f.isKeyframe()));
        }
        Frame first = pending.get(0);
        long start = first.ingestMicros();
        try {
            byte[] bytes = FragmentWriter.write(++sequence, pendingDts.get(0), samples, pendingBytes, w -> {
                for (Frame f : pending) {
                    w.bytes(f.payload());
                }
            });
            return new Fragment(track, bytes, start, Math.max(endMicros, start + 1), samples.size());
        } finally {
            release();
        }
    }

    /** Drops the open fragment's frames. */
    void release() {
        for (Frame f : pending) {
            f.release();
        }
        pending.clear();
        pendingDts.clear();
        pendingBytes = 0;
    }
}
