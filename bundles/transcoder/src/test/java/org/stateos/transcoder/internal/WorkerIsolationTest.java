package org.stateos.transcoder.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.TrackConfig;
import org.stateos.api.media.TranscodeLease;
import org.stateos.transcoder.internal.codec.AdtsFixture;
import org.stateos.transcoder.internal.process.CodecWorker;
import org.stateos.transcoder.internal.process.CodecWorkerTest;

/**
 * The transcoder with isolation {@code process}: a real worker; killed mid-stream, the transcode goes on in the next
 * one as a new derived-track version whose first packet is a DISCONTINUITY, as after a publisher change.
 */
class WorkerIsolationTest {
    static final Settings UNPACED = new Settings(64_000, 32_000, 200, 1, 25, 4, 0, 0);
    final FakeMedia media = new FakeMedia();
    @TempDir
    Path dir;
    CodecWorker worker;
    TranscoderComponent transcoder;

    @AfterEach
    void close() {
        if (transcoder != null) {
            transcoder.close();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, what, java.time.Duration.ofSeconds(30));
    }

    static void feed(StreamSubscriber s, AdtsFixture aac, int from, int to, long ingest0) {
        for (int i = from; i < to; i++) {
            long pts = (long) i * 1024 * Frame.TIMEBASE / aac.sampleRate();
            s.onFrame(new Frame(1, Codec.AAC, pts, pts, ingest0 + Frame.ticksToMicros(pts), Frame.KEYFRAME, 1,
                    Unpooled.wrappedBuffer(aac.units().get(i))));
        }
    }

    @Test
    void aKilledWorkerCostsOneDiscontinuityNotTheTranscode() throws Exception {
        AdtsFixture aac = AdtsFixture.sine(dir);
        worker = CodecWorkerTest.newWorker(dir);
        transcoder = new TranscoderComponent(UNPACED, media, worker);
        worker.start();
        await(() -> transcoder.worker().orElseThrow().state().equals("READY"), "the worker ready");
        TranscodeLease lease = transcoder.requestOpus("cam");
        StreamSubscriber s = media.subscribers.get(0);
        s.onTrack(new TrackConfig(1, Codec.AAC, 1, aac.config(), 0, 0, aac.sampleRate(), aac.channels(), 1));
        long ingest0 = System.currentTimeMillis() * 1000L;
        int half = aac.units().size() / 2;
        feed(s, aac, 0, half, ingest0);
        await(() -> media.derivedFrames.size() > 30, "Opus from the first worker: " + media.derivedFrames.size());
        assertEquals(1, media.derivedTracks.size());
        assertEquals(1, media.derivedTracks.get(0).version());

        ProcessHandle.of(transcoder.worker().orElseThrow().pid()).orElseThrow().destroyForcibly();
        await(() -> media.derivedTracks.size() == 2, "the transcode re-opened in the new worker");
        int before = media.derivedFrames.size();
        feed(s, aac, half, aac.units().size(), ingest0);
        await(() -> media.derivedFrames.size() > before + 30, "Opus from the second worker");
        TrackConfig second = media.derivedTracks.get(1);
        assertEquals(2, second.version());
        assertEquals(Codec.OPUS, second.codec());
        long[] firstAfter = media.derivedFrames.get(before);
        assertTrue((firstAfter[3] & Frame.DISCONTINUITY) != 0, "the first packet of the new worker is a discontinuity");
        for (int i = before + 1; i < media.derivedFrames.size(); i++) {
            assertEquals(0, media.derivedFrames.get(i)[3] & Frame.DISCONTINUITY, "only the first: " + i);
        }
        TranscodeInfo info = transcoder.transcodes().get(0);
        assertEquals("RUNNING", info.state());
        assertTrue(lease.error().isEmpty());
        assertEquals(1, transcoder.worker().orElseThrow().restarts());
        assertTrue(transcoder.worker().orElseThrow().lastExit().contains("SIGKILL"));
        lease.close();
    }

    @Test
    void garbageThroughTheWorkerFailsOnlyTheTranscode() throws Exception {
        worker = CodecWorkerTest.newWorker(dir);
        transcoder = new TranscoderComponent(UNPACED, media, worker);
        worker.start();
        TranscodeLease lease = transcoder.requestOpus("cam");
        StreamSubscriber s = media.subscribers.get(0);
        s.onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x10}, 0, 0, 44_100, 2, 1));
        await(() -> transcoder.worker().orElseThrow().state().equals("READY"), "the worker ready");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 400; i++) {
            byte[] junk = new byte[1 + random.nextInt(600)];
            random.nextBytes(junk);
            s.onFrame(new Frame(1, Codec.AAC, i * 2090L, i * 2090L, 0, Frame.KEYFRAME, 1, Unpooled.wrappedBuffer(junk)));
        }
        await(() -> "FAILED".equals(transcoder.transcodes().get(0).state()), "the transcode FAILED");
        assertTrue(transcoder.transcodes().get(0).error().contains("failed to decode"));
        await(() -> media.derivedClosed && media.subscriptionClosed.get(0), "unsubscribed and unpublished");
        assertEquals("READY", transcoder.worker().orElseThrow().state());
        assertEquals(0, transcoder.worker().orElseThrow().restarts());
        lease.close();
    }
}
