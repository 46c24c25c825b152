package org.stateos.transcoder.internal.codec;

import java.util.ArrayDeque;

import org.stateos.api.media.Frame;

/**
 * Maps positions on the transcode's 48 kHz output sample counter back to the input's presentation time (90 kHz)
 * and ingest wall clock, so an Opus packet carries the times of the AAC audio it holds and RTCP sender reports
 * keep A/V sync. Each resampled chunk leaves an anchor: "output sample {@code position} is input time
 * {@code pts}, ingested at {@code ingestMicros}"; a position maps through the latest anchor at or before it (the
 * first anchor for earlier positions, such as the encoder's priming samples), advancing at the nominal rate.
 * Queries come in increasing order, so older anchors are dropped as they are passed.
 */
public final class SampleClock {
    public static final int RATE = 48_000;
    /** Anchors kept at most: a few seconds of 1024-sample AAC frames, far more than the codec pipeline holds. */
    static final int MAX_ANCHORS = 512;

    private record Anchor(long position, long pts, long ingestMicros) {
    }

    private final ArrayDeque<Anchor> anchors = new ArrayDeque<>();

    public void anchor(long position, long pts, long ingestMicros) {
        if (anchors.size() == MAX_ANCHORS) {
            anchors.removeFirst();
        }
        anchors.addLast(new Anchor(position, pts, ingestMicros));
    }

    public boolean isEmpty() {
        return anchors.isEmpty();
    }

    /** Input pts (90 kHz) of output sample {@code position}. */
    public long pts(long position) {
        Anchor a = find(position);
        return a.pts + Math.floorDiv((position - a.position) * Frame.TIMEBASE, RATE);
    }

    /** Ingest wall clock (UTC microseconds) of output sample {@code position}. */
    public long ingestMicros(long position) {
        Anchor a = find(position);
        return a.ingestMicros + Math.floorDiv((position - a.position) * 1_000_000L, RATE);
    }

    private Anchor find(long position) {
        if (anchors.isEmpty()) {
            throw new IllegalStateException("no anchor yet");
        }
        while (anchors.size() > 1) {
            Anchor first = anchors.removeFirst();
            if (anchors.peekFirst().position > position) {
                anchors.addFirst(first);
                break;
            }
        }
        return anchors.peekFirst();
    }

    public void clear() {
        anchors.clear();
    }
}
