package org.stateos.transcoder.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stateos.transcoder.internal.TranscoderComponentTest.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Frame;
import org.stateos.transcoder.internal.codec.OpusPacket;

class OpusPacerTest {
    /** A packet as published, with the wall clock (µs) at which the sink saw it. */
    record Out(long pts, long ingestMicros, long atMicros) {
    }

    final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    final List<Out> out = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    static long now() {
        return System.currentTimeMillis() * 1000L;
    }

    OpusPacer pacer(long delayMicros, long maxLateMicros) {
        return new OpusPacer(delayMicros, maxLateMicros, timer, OpusPacerTest::now,
                p -> out.add(new Out(p.pts(), p.ingestMicros(), now())));
    }

    static OpusPacket packet(int i, long ingestMicros) {
        return new OpusPacket(new byte[] {(byte) i}, i * 20L * Frame.TIMEBASE / 1000, ingestMicros);
    }

    @Test
    void aBurstLeavesInOrderEachPacketNoEarlierThanItsTimeOnTheLine() throws Exception {
        OpusPacer pacer = pacer(40_000, 500_000);
        long t0 = now();
        for (int i = 0; i < 10; i++) {
            // 200 ms of audio offered at once, that entered up to 30 ms late (an interleaving publisher's clumps)
            pacer.offer(packet(i, t0 + i * 20_000L + (i % 3) * 15_000L), now());
        }
        await(() -> out.size() == 10, "10 packets");
        for (int i = 0; i < 10; i++) {
            Out o = out.get(i);
            assertEquals(i * 20L * Frame.TIMEBASE / 1000, o.pts(), "in order");
            assertEquals(t0 + i * 20_000L, o.ingestMicros(), "ingest time on the line");
            assertTrue(o.atMicros() >= o.ingestMicros() + 40_000 - 1_000, "packet " + i + " left before it was due");
        }
        assertEquals(10, pacer.counts()[0] + pacer.counts()[1]);
    }

    @Test
    void packetsDueLongAgoAreDroppedAndTheLiveOnesSent() throws Exception {
        OpusPacer pacer = pacer(40_000, 200_000);
        long live = now();
        // The cached second a starting transcode decodes first, then the live packets after it.
        for (int i = 0; i < 60; i++) {
            pacer.offer(packet(i, live - 1_200_000 + i * 20_000L), live - 1_200_000 + i * 20_000L + 30_000);
        }
        await(() -> !out.isEmpty(), "the live packets");
        long[] counts = pacer.counts();
        assertTrue(counts[2] >= 45, "stale ones dropped: " + java.util.Arrays.toString(counts));
        await(() -> out.size() + pacer.counts()[2] == 60, "every packet sent or dropped");
        assertTrue(out.get(0).pts() >= 45L * 20 * Frame.TIMEBASE / 1000, "the first sent is recent: " + out.get(0));
    }

    /**
     * Review 5: the worker's times went to the pacer unchecked; packets with an ingest time a day ahead were never
     * stale nor due, and 50,000 of them held 195 MB. Times ahead of the clock are refused and counted.
     */
    @Test
    void packetsTimedAheadOfTheClockAreDroppedAndCounted() throws Exception {
        OpusPacer pacer = pacer(40_000, 200_000);
        long dayAhead = now() + 86_400_000_000L;
        for (int i = 0; i < 50_000; i++) {
            pacer.offer(new OpusPacket(new byte[4096], i * 20L * Frame.TIMEBASE / 1000, dayAhead), now());
        }
        pacer.offer(packet(0, now()), dayAhead);   // the arrival time is the worker's too
        assertArrayEquals(new long[] {0, 0, 50_001}, pacer.counts(), "all refused as dropped");
        long t = now();
        pacer.offer(packet(1, t), t);
        await(() -> out.size() == 1, "a packet of this node's time sent");
        assertEquals(t, out.get(0).ingestMicros());
    }

    @Test
    void atMostMaxQueuePacketsWaitTheOldestDropped() throws Exception {
        OpusPacer pacer = pacer(1_000_000, 0);   // the largest pace.delay.ms; nothing is stale
        long t0 = now();
        int extra = 50;
        for (int i = 0; i < OpusPacer.MAX_QUEUE + extra; i++) {
            pacer.offer(packet(i, t0), t0);   // all due in a second
        }
        assertEquals(extra, pacer.counts()[2], "the oldest beyond the bound dropped");
        await(() -> out.size() == OpusPacer.MAX_QUEUE, "the ones kept sent");
        assertEquals(extra * 20L * Frame.TIMEBASE / 1000, out.get(0).pts(), "the first kept is packet " + extra);
        assertEquals(OpusPacer.MAX_QUEUE, pacer.counts()[0] + pacer.counts()[1]);
    }

    @Test
    void resetSendsWhatWaitsAtOnceAndCloseDropsIt() throws Exception {
        OpusPacer pacer = pacer(1_000_000, 0);
        long t0 = now();
        pacer.offer(packet(0, t0), t0);
        pacer.offer(packet(1, t0), t0);
        pacer.reset();
        assertEquals(2, out.size(), "flushed by the reset, in order");
        assertEquals(0, out.get(0).pts());
        pacer.offer(packet(5, t0), t0);
        pacer.close();
        pacer.offer(packet(6, t0), t0); // refused on the spot: offer checks closed before it queues or schedules
        assertEquals(2, out.size(), "nothing after close");
        assertArrayEquals(new long[] {0, 2, 0}, pacer.counts());
    }
}
