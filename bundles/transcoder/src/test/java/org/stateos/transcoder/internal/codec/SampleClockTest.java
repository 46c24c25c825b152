package org.stateos.transcoder.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.stateos.api.media.Frame;

/** The output clock counts samples: input jitter is ignored, jumps start a segment, ingest follows the earliest. */
class SampleClockTest {
    static final long INGEST = 1_700_000_000_000_000L;

    @Test
    void itsTimeBaseIsTheMediaModels() {
        assertEquals(Frame.TIMEBASE, SampleClock.TIMEBASE);
        assertEquals(Frame.ticksToMicros(-12_345_678L), Math.floorDiv(-12_345_678L * 100, 9));   // as AacToOpus writes it out
    }

    @Test
    void millisecondRoundedInputStillGivesContiguousPacketTimes() {
        SampleClock clock = new SampleClock();
        // 44.1 kHz AAC frames of 1024 samples with RTMP's whole-millisecond timestamps, resampled to 48 kHz.
        for (int i = 0; i < 200; i++) {
            long exactMicros = Math.round(i * 1024 * 1e6 / 44_100);
            long pts = Frame.millisToTicks(Math.round(exactMicros / 1000.0));
            clock.anchor(Math.round(i * 1024 * 48_000.0 / 44_100), pts, INGEST + exactMicros);
        }
        for (int k = 1; k < 200; k++) {
            assertEquals(1800, clock.pts(k * 960L) - clock.pts((k - 1) * 960L), "20 ms steps, packet " + k);
        }
    }

    @Test
    void aJumpInTheInputTimelineStartsANewSegment() {
        SampleClock clock = new SampleClock();
        clock.anchor(0, 0, INGEST);
        clock.anchor(48_000, Frame.TIMEBASE, INGEST + 1_000_000);             // on the count: ignored
        clock.anchor(96_000, 5L * Frame.TIMEBASE, INGEST + 5_000_000);        // 3 s gap: a new segment
        assertEquals(Frame.TIMEBASE / 2, clock.pts(24_000));
        assertEquals(5L * Frame.TIMEBASE + Frame.TIMEBASE / 2, clock.pts(96_000 + 24_000));
        assertEquals(INGEST + 5_500_000, clock.ingestMicros(96_000 + 24_000));
    }

    @Test
    void ingestFollowsTheEarliestArrivalAndPrimingExtrapolatesBack() {
        SampleClock clock = new SampleClock();
        clock.anchor(0, 0, INGEST + 30_000);                                  // the first frame came in a late burst
        clock.anchor(48_000, Frame.TIMEBASE, INGEST + 1_000_000);             // this one on time
        assertEquals(INGEST - 6_500, clock.ingestMicros(-312));               // priming samples, before the first
        assertEquals(INGEST + 1_000_000, clock.ingestMicros(48_000));
        assertEquals(-585, clock.pts(-312));
    }

    @Test
    void aPublisherFallingBehindMovesTheIngestBaseOnOnceItIsOld() {
        SampleClock clock = new SampleClock();
        clock.anchor(0, 0, INGEST);
        // 4 s in, the input arrives 300 ms late (an encoder short of CPU): a base younger than 5 s keeps the earliest
        clock.anchor(4 * 48_000, 4L * Frame.TIMEBASE, INGEST + 4_300_000);
        assertEquals(INGEST + 4_000_000, clock.ingestMicros(4 * 48_000));
        // 6 s in, still 300 ms late: the base is renewed to it, as the video's sender-report mapping is
        clock.anchor(6 * 48_000, 6L * Frame.TIMEBASE, INGEST + 6_300_000);
        assertEquals(INGEST + 6_300_000, clock.ingestMicros(6 * 48_000));
        clock.anchor(7 * 48_000, 7L * Frame.TIMEBASE, INGEST + 7_310_000);
        assertEquals(INGEST + 7_300_000, clock.ingestMicros(7 * 48_000), "and holds the new earliest line again");
    }
}
