package org.stateos.transcoder.internal.codec;

import java.util.ArrayDeque;

/**
 * Maps positions on the transcode's 48 kHz output sample counter back to the input's presentation time (90 kHz)
 * and ingest wall clock, so an Opus packet carries the times of the AAC audio it holds and RTCP sender reports
 * keep A/V sync.
 *
 * <p>Output time must advance by exactly the samples produced: a receiver's jitter buffer discards packets whose
 * RTP timestamps overlap and conceals the gaps, and RTMP's millisecond timestamps jitter by ±0.5 ms around the
 * true sample times. So the clock counts samples from a base and takes each new input time only as a check: within
 * {@link #REBASE_TICKS} of the count it is jitter and ignored; beyond, the input timeline jumped (a gap, a
 * publisher's new timeline) and a new segment starts there. Ingest times follow the earliest arrival seen (a frame
 * that arrives earlier than the count predicts moves the segment's ingest base back), as the video's clock mapping
 * does: bursts never make audio look later than it was. And as there, a segment whose ingest base is
 * {@link #RENEW_AFTER_MICROS} old follows a later arrival: a publisher that falls behind real time (an encoder
 * short of CPU) moves its audio's ingest times on with its video's. Without that the audio's sender-report mapping
 * drifted early against the video's by the publisher's lag, and Chromium's lip sync held the video back by as much
 * (issue 5).
 *
 * <p>Positions before a segment's start (the encoder's priming) map through that segment, extrapolated back.
 * Queries come in increasing order, so older segments are dropped as they are passed.
 */
public final class SampleClock {
    public static final int RATE = 48_000;
    /** Input time base, = {@code TIMEBASE} (SampleClockTest checks): the codec worker runs without the api bundle. */
    public static final int TIMEBASE = 90_000;
    /** Input times further than this (10 ms) from the sample count start a new segment. */
    public static final long REBASE_TICKS = TIMEBASE / 100;
    static final int MAX_SEGMENTS = 64;
    /** A segment's ingest base follows a later arrival once it is this old (as the video's RTP mapping does). */
    public static final long RENEW_AFTER_MICROS = 5_000_000L;

    private static final class Segment {
        final long position;
        final long pts;
        long ingestMicros;
        long renewedAt;   // ingest time at which the base was last set

        Segment(long position, long pts, long ingestMicros) {
            this.position = position;
            this.pts = pts;
            this.ingestMicros = ingestMicros;
            this.renewedAt = ingestMicros;
        }

        long pts(long at) {
            return pts + Math.floorDiv((at - position) * TIMEBASE, RATE);
        }

        long ingest(long at) {
            return ingestMicros + Math.floorDiv((at - position) * 1_000_000L, RATE);
        }
    }

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();

    /** Output sample {@code position} holds input time {@code pts}, ingested at {@code ingestMicros}. */
    public void anchor(long position, long pts, long ingestMicros) {
        Segment last = segments.peekLast();
        if (last != null && Math.abs(pts - last.pts(position)) <= REBASE_TICKS) {
            long predicted = last.ingest(position);
            if (ingestMicros < predicted) {
                last.ingestMicros -= predicted - ingestMicros;   // arrived earlier than counted: the earliest wins
                last.renewedAt = ingestMicros;
            } else if (ingestMicros - last.renewedAt > RENEW_AFTER_MICROS) {
                last.ingestMicros += ingestMicros - predicted;   // an old base: follow the publisher's drift
                last.renewedAt = ingestMicros;
            }
            return;
        }
        if (segments.size() == MAX_SEGMENTS) {
            segments.removeFirst();
        }
        segments.addLast(new Segment(position, pts, ingestMicros));
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** Input pts (90 kHz) of output sample {@code position}. */
    public long pts(long position) {
        return find(position).pts(position);
    }

    /** Ingest wall clock (UTC microseconds) of output sample {@code position}. */
    public long ingestMicros(long position) {
        return find(position).ingest(position);
    }

    private Segment find(long position) {
        if (segments.isEmpty()) {
            throw new IllegalStateException("no anchor yet");
        }
        while (segments.size() > 1) {
            Segment first = segments.removeFirst();
            if (segments.peekFirst().position > position) {
                segments.addFirst(first);
                break;
            }
        }
        return segments.peekFirst();
    }

    public void clear() {
        segments.clear();
    }
}
