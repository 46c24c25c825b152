package org.stateos.media.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.ManualExecutor;
import org.stateos.media.internal.ManualTimers;
import org.stateos.media.internal.RecordingSubscriber;
import org.stateos.media.internal.RecordingSubscriber.Seen;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.TestFrames;

/** Bounded per-viewer queues, skipping to the next keyframe, the GOP cache, failing viewers. */
class FanOutTest {
    final AtomicLong now = new AtomicLong(1_700_000_000_000_000L);
    final TestFrames frames = new TestFrames();
    /** Queues of 50 frames: a viewer that runs nothing for 2 s of 25 fps video overflows. */
    final MediaRegistry registry = new MediaRegistry(Settings.DEFAULTS.withQueue(50, 1 << 20), now::get,
            new ManualTimers(), null);
    final ExecutorService loops = Executors.newFixedThreadPool(2);

    @AfterEach
    void allReleased() throws InterruptedException {
        registry.close();
        loops.shutdown();
        assertTrue(loops.awaitTermination(10, TimeUnit.SECONDS));
        frames.assertAllReleased();
    }

    private Publication publish() throws Exception {
        Publication p = registry.publish("cam1", "test", reason -> { });
        p.track(TestFrames.video(1));
        p.track(TestFrames.audio(1));
        return p;
    }

    @Test
    void aSlowViewerDropsToTheNextKeyframeWhileAFastOneGetsEverything() throws Exception {
        Publication p = publish();
        ManualExecutor stalled = new ManualExecutor();
        RecordingSubscriber slow = new RecordingSubscriber();
        RecordingSubscriber fast = new RecordingSubscriber();
        Subscription slowSub = registry.subscribe("cam1", slow, stalled);
        registry.subscribe("cam1", fast, Runnable::run);
        // 60 video frames (GOP 25) with one audio frame after each: the slow queue overflows at 50 frames.
        for (int i = 0; i < 60; i++) {
            p.frame(frames.video(i, 25, 200, now.get()));
            p.frame(frames.audio(i, now.get()));
        }
        assertEquals(120, fast.frames().size(), "the fast viewer misses nothing");
        assertTrue(slowSub.droppedFrames() > 0);
        assertTrue(slowSub.queuedFrames() <= 50, "bounded: " + slowSub.queuedFrames());
        stalled.runAll();
        List<Seen> got = slow.frames();
        // After the overflow it resumed exactly at a keyframe (video 50), flagged DISCONTINUITY, audio after it.
        Seen resume = got.stream().filter(Seen::discontinuity).findFirst().orElseThrow();
        assertEquals(0, resume.track());
        assertTrue(resume.key());
        assertEquals(50 * 3600L, resume.dts());
        int at = got.indexOf(resume);
        assertEquals(20, got.size() - at, "video 50..59 and audio 50..59 after the resume: " + got);
        assertTrue(got.get(at + 1).discontinuity() && got.get(at + 1).track() == 1, "first audio after resume");
        assertEquals(120, got.size() + slowSub.droppedFrames(), "every frame is delivered or counted as dropped");
        assertEquals(slowSub.droppedFrames(), registry.stream("cam1").orElseThrow().droppedFrames());
        // Configurations were never dropped: two tracks, before any frame.
        assertEquals(2, slow.events.indexOf(slow.events.stream().filter(e -> e instanceof Seen).findFirst().get()));
    }

    @Test
    void aLateViewerStartsAtTheLatestKeyframeWithConfigurationsFirst() throws Exception {
        Publication p = publish();
        for (int i = 0; i < 37; i++) {   // the latest keyframe is video 25
            p.frame(frames.video(i, 25, 200, now.get()));
            p.frame(frames.audio(i, now.get()));
        }
        RecordingSubscriber late = new RecordingSubscriber();
        registry.subscribe("cam1", late, Runnable::run);
        assertTrue(late.events.get(0) instanceof TrackConfig && late.events.get(1) instanceof TrackConfig);
        List<Seen> got = late.frames();
        assertEquals(24, got.size(), "video 25..36 with their audio: " + got);
        assertTrue(got.get(0).key() && got.get(0).track() == 0 && got.get(0).dts() == 25 * 3600L);
        assertFalse(got.get(0).discontinuity(), "a GOP start needs no discontinuity");
        p.frame(frames.video(37, 25, 200, now.get()));
        assertEquals(37 * 3600L, late.frames().get(24).dts(), "then live frames, in order");
    }

    @Test
    void aViewerJoiningBeforeAnyKeyframeWaitsForOne() throws Exception {
        Publication p = publish();
        RecordingSubscriber early = new RecordingSubscriber();
        for (int i = 20; i < 25; i++) {   // mid-GOP: no keyframe cached
            p.frame(frames.video(i, 25, 100, now.get()));
        }
        registry.subscribe("cam1", early, Runnable::run);
        p.frame(frames.video(24 + 1, 25, 100, now.get()));
        assertTrue(early.frames().get(0).key());
        assertEquals(1, early.frames().size());
    }

    @Test
    void aViewerThatThrowsIsEndedAndOthersCarryOn() throws Exception {
        Publication p = publish();
        RecordingSubscriber bad = new RecordingSubscriber() {
            @Override
            public void onFrame(Frame frame) {
                frame.release();
                throw new IllegalStateException("boom");
            }
        };
        RecordingSubscriber good = new RecordingSubscriber();
        registry.subscribe("cam1", bad, Runnable::run);
        registry.subscribe("cam1", good, Runnable::run);
        for (int i = 0; i < 5; i++) {
            p.frame(frames.video(i, 25, 100, now.get()));
        }
        assertEquals("subscriber failed: java.lang.IllegalStateException: boom", bad.endReason);
        assertEquals(1, bad.ends);
        assertEquals(5, good.frames().size());
        assertNull(good.endReason);
        assertEquals(1, registry.stream("cam1").orElseThrow().viewers());
    }

    @Test
    void aStuckViewerNeverBlocksThePublisherNorOtherViewers() throws Exception {
        Publication p = publish();
        CountDownLatch release = new CountDownLatch(1);
        RecordingSubscriber stuck = new RecordingSubscriber() {
            @Override
            public void onFrame(Frame frame) {
                try {
                    release.await();   // a viewer whose thread hangs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    frame.release();
                }
            }
        };
        RecordingSubscriber other = new RecordingSubscriber();
        ExecutorService stuckLoop = Executors.newSingleThreadExecutor();
        Subscription stuckSub = registry.subscribe("cam1", stuck, stuckLoop);
        Subscription otherSub = registry.subscribe("cam1", other, loops);
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                p.frame(frames.video(i, 25, 1000, now.get()));
            }
        });
        publisher.start();
        publisher.join(Duration.ofSeconds(20).toMillis());
        assertFalse(publisher.isAlive(), "the publisher finished while a viewer hung");
        // The other viewer may itself fall behind a publisher in a tight loop, but it is never held up by the
        // stuck one: it reaches the last frame, and everything is delivered or counted.
        RecordingSubscriber.await(() -> !other.frames().isEmpty() && other.frames().get(other.frames().size() - 1).dts()
                == 999 * 3600L, Duration.ofSeconds(20), "other viewer got the last frame");
        assertEquals(1000, other.frames().size() + otherSub.droppedFrames());
        assertTrue(stuckSub.droppedFrames() >= 1000 - 51 - 1, "the stuck viewer's queue stayed bounded: "
                + stuckSub.droppedFrames());
        release.countDown();
        registry.close();
        RecordingSubscriber.await(() -> stuck.ends == 1, Duration.ofSeconds(10), "stuck viewer ended");
        stuckLoop.shutdown();
        assertTrue(stuckLoop.awaitTermination(10, TimeUnit.SECONDS));
    }
}
