package org.stateos.transcoder.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.TrackConfig;
import org.stateos.api.media.TranscodeLease;
import org.stateos.transcoder.internal.codec.AdtsFixture;

/** Leases, the grace stop, real AAC through a transcode, and broken input stopping only the transcode. */
class TranscoderComponentTest {
    static final Settings FAST = new Settings(64_000, 32_000, 200, 1, 25, 4, 40, 0);
    final FakeMedia media = new FakeMedia();
    final TranscoderComponent transcoder = new TranscoderComponent(FAST, media);
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        transcoder.close();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, what, java.time.Duration.ofSeconds(10));
    }

    @Test
    void leasesShareOneTranscodeThatStopsAGraceAfterTheLastCloses() throws Exception {
        TranscodeLease a = transcoder.requestOpus("cam");
        TranscodeLease b = transcoder.requestOpus("cam");
        assertEquals(1, media.subscribers.size(), "one transcode for both leases");
        assertEquals(TrackConfig.FIRST_DERIVED_TRACK, a.track());
        assertEquals(2, transcoder.transcodes().get(0).leases());
        a.close();
        a.close();   // idempotent
        Thread.sleep(400);   // longer than the grace: one lease is still open, so it must keep running
        assertEquals("RUNNING", transcoder.transcodes().get(0).state());
        assertFalse(media.subscriptionClosed.get(0));
        b.close();
        assertEquals("IDLE", transcoder.transcodes().get(0).state());
        await(() -> transcoder.transcodes().isEmpty(), "the transcode to stop after the grace");
        // Forgotten first (under the component's lock), then stopped outside it: wait for both effects.
        await(() -> media.subscriptionClosed.get(0), "unsubscribed");
        await(() -> media.derivedClosed, "derived track unpublished");
    }

    @Test
    void aLeaseWithinTheGraceKeepsTheRunningTranscode() throws Exception {
        transcoder.requestOpus("cam").close();
        TranscodeLease again = transcoder.requestOpus("cam");
        Thread.sleep(400);
        assertEquals(1, media.subscribers.size());
        assertEquals("RUNNING", transcoder.transcodes().get(0).state());
        again.close();
    }

    @Test
    void refusesAStreamThatDoesNotExist() {
        assertThrows(StreamNotFoundException.class, () -> transcoder.requestOpus("nope"));
        assertTrue(transcoder.transcodes().isEmpty());
    }

    @Test
    void realAacBecomesOpusFramesOnTheDerivedTrack() throws Exception {
        AdtsFixture aac = AdtsFixture.sine(dir);
        TranscodeLease lease = transcoder.requestOpus("cam");
        var subscriber = media.subscribers.get(0);
        subscriber.onTrack(new TrackConfig(0, Codec.H264, 1, new byte[] {1, 2, 3, 4}, 640, 360, 0, 0, 1));
        subscriber.onTrack(new TrackConfig(1, Codec.AAC, 1, aac.config(), 0, 0, aac.sampleRate(), aac.channels(), 1));
        long ingest0 = 1_700_000_000_000_000L;
        for (int i = 0; i < aac.units().size(); i++) {
            long pts = (long) i * 1024 * Frame.TIMEBASE / aac.sampleRate();
            subscriber.onFrame(new Frame(1, Codec.AAC, pts, pts, ingest0 + Frame.ticksToMicros(pts), Frame.KEYFRAME, 1,
                    Unpooled.wrappedBuffer(aac.units().get(i))));
        }
        assertEquals(1, media.derivedTracks.size());
        TrackConfig opus = media.derivedTracks.get(0);
        assertEquals(Codec.OPUS, opus.codec());
        assertEquals(48_000, opus.sampleRate());
        assertTrue(media.derivedFrames.size() > 90, "about 2 s of 20 ms packets: " + media.derivedFrames.size());
        for (long[] f : media.derivedFrames) {
            assertEquals(TrackConfig.FIRST_DERIVED_TRACK, f[0]);
            assertTrue((f[3] & Frame.KEYFRAME) != 0);
        }
        TranscodeInfo info = transcoder.transcodes().get(0);
        assertEquals(aac.units().size(), info.framesIn());
        assertEquals(media.derivedFrames.size(), info.framesOut());
        assertEquals(0, info.errors());
        assertTrue(lease.error().isEmpty());
        lease.close();
    }

    @Test
    void aStartingTranscodeSkipsTheCachedFramesWhoseOpusWouldBeStale() throws Exception {
        // pace.max.late.ms = 200: what entered the node more than 200 ms ago is not transcoded at all
        Settings maxLate = new Settings(64_000, 32_000, 200, 1, 25, 4, 0, 200);
        TranscoderComponent paced = new TranscoderComponent(maxLate, media);
        try {
            AdtsFixture aac = AdtsFixture.sine(dir);
            TranscodeLease lease = paced.requestOpus("cam");
            var subscriber = media.subscribers.get(0);
            subscriber.onTrack(new TrackConfig(1, Codec.AAC, 1, aac.config(), 0, 0, aac.sampleRate(), aac.channels(), 1));
            int backlog = aac.units().size() / 2;   // the cached GOP a new subscriber is handed: entered 2 s ago
            long now = System.currentTimeMillis() * 1000L;
            for (int i = 0; i < aac.units().size(); i++) {
                long pts = (long) i * 1024 * Frame.TIMEBASE / aac.sampleRate();
                long ingest = i < backlog ? now - 2_000_000 + Frame.ticksToMicros(pts) : System.currentTimeMillis() * 1000L;
                subscriber.onFrame(new Frame(1, Codec.AAC, pts, pts, ingest, Frame.KEYFRAME, 1,
                        Unpooled.wrappedBuffer(aac.units().get(i))));
            }
            await(() -> paced.transcodes().get(0).framesOut() > 0, "Opus from the live frames");
            TranscodeInfo info = paced.transcodes().get(0);
            assertEquals(aac.units().size() - backlog, info.framesIn(), "only the live frames reach the codec");
            assertTrue(info.stale() >= backlog, "the skipped ones count as stale: " + info.stale());
            assertEquals(0, info.errors());
            lease.close();
        } finally {
            paced.close();
        }
    }

    @Test
    void garbageAccessUnitsStopTheTranscodeWithAReasonAndNothingElse() throws Exception {
        TranscodeLease lease = transcoder.requestOpus("cam");
        var subscriber = media.subscribers.get(0);
        subscriber.onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x10}, 0, 0, 44_100, 2, 1));
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            byte[] junk = new byte[1 + random.nextInt(600)];
            random.nextBytes(junk);
            subscriber.onFrame(new Frame(1, Codec.AAC, i * 2090L, i * 2090L, 0, Frame.KEYFRAME, 1, Unpooled.wrappedBuffer(junk)));
        }
        TranscodeInfo info = transcoder.transcodes().get(0);
        assertEquals("FAILED", info.state());
        assertTrue(info.error().contains("failed to decode"), info.error());
        assertTrue(lease.error().isPresent());
        assertTrue(media.subscriptionClosed.get(0), "unsubscribed from the stream");
        assertTrue(media.derivedClosed);
        lease.close();
    }

    @Test
    void aBadAudioSpecificConfigStopsTheTranscodeBeforeNativeCodeSeesIt() throws Exception {
        TranscodeLease lease = transcoder.requestOpus("cam");
        media.subscribers.get(0).onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x00}, 0, 0, 44_100, 2, 1));
        TranscodeInfo info = transcoder.transcodes().get(0);
        assertEquals("FAILED", info.state());
        assertTrue(info.error().contains("unusable AudioSpecificConfig"), info.error());
        assertEquals(List.of(), media.derivedTracks);
        lease.close();
    }
}
