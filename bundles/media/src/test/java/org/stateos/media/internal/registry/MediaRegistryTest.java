package org.stateos.media.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.StreamBusyException;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.ManualTimers;
import org.stateos.media.internal.RecordingSubscriber;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.TestFrames;

/** The registry on a manual clock: publication, takeover, grace, kick. Viewers on a direct executor. */
class MediaRegistryTest {
    final AtomicLong now = new AtomicLong(1_700_000_000_000_000L);
    final ManualTimers timers = new ManualTimers();
    final TestFrames frames = new TestFrames();
    final MediaRegistry registry = new MediaRegistry(Settings.DEFAULTS, now::get, timers, null);
    final List<String> ended = new CopyOnWriteArrayList<>();

    @AfterEach
    void allReleased() {
        registry.close();
        frames.assertAllReleased();
    }

    private Publication publishVideo(String name, String origin) throws StreamBusyException {
        Publication p = registry.publish(name, origin, ended::add);
        p.track(TestFrames.video(1));
        return p;
    }

    @Test
    void refusesASecondPublisherWhileTheFirstIsLiveSayingWhoAndWhen() throws Exception {
        Publication first = publishVideo("cam1", "rtmp 1.2.3.4:5678");
        first.frame(frames.video(0, 25, 100, now.get()));
        now.addAndGet(2_999_000);
        StreamBusyException e = assertThrows(StreamBusyException.class,
                () -> registry.publish("cam1", "rtmp 5.6.7.8:1", ended::add));
        assertEquals("cam1", e.streamName());
        assertTrue(e.getMessage().startsWith("stream 'cam1' is already being published by rtmp 1.2.3.4:5678 since 2023-"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("it can be taken over after 3 s of silence"), e.getMessage());
        assertTrue(first.isOpen());
        assertTrue(ended.isEmpty());
    }

    @Test
    void takesOverAfterThreeSecondsOfSilenceKeepingViewersAttached() throws Exception {
        Publication first = publishVideo("cam1", "rtmp 1.2.3.4:5678");
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam1", viewer, Runnable::run);
        for (int i = 0; i < 3; i++) {
            first.frame(frames.video(i, 25, 100, now.get()));
        }
        now.addAndGet(3_000_000);
        Publication second = registry.publish("cam1", "rtmp 5.6.7.8:9", ended::add);
        assertFalse(first.isOpen());
        assertEquals(List.of("taken over by rtmp 5.6.7.8:9 after 3 s of silence"), ended);
        first.frame(frames.video(3, 25, 100, now.get()));   // a late frame of the old publisher: released, ignored

        second.track(TestFrames.video(1));   // the newcomer counts its versions from 1 again
        second.frame(frames.video(0, 25, 100, now.get()));
        second.frame(frames.video(1, 25, 100, now.get()));

        assertEquals(1, viewer.gone);
        List<TrackConfig> tracks = viewer.tracks();
        assertEquals(List.of(1, 2), tracks.stream().map(TrackConfig::version).toList());
        List<RecordingSubscriber.Seen> seen = viewer.frames();
        assertEquals(5, seen.size());
        assertFalse(seen.get(2).discontinuity());
        assertTrue(seen.get(3).discontinuity() && seen.get(3).key(), seen.get(3).toString());
        assertEquals(2, seen.get(3).configVersion());
        assertFalse(seen.get(4).discontinuity());
        StreamInfo info = registry.stream("cam1").orElseThrow();
        assertEquals("rtmp 5.6.7.8:9", info.origin());
        assertEquals(StreamInfo.State.LIVE, info.state());
        assertEquals(1, info.viewers());
        assertNull(viewer.endReason);
    }

    @Test
    void aViewerStaysThroughTheGracePeriodThenEnds() throws Exception {
        Publication p = publishVideo("cam1", "rtmp a");
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam1", viewer, Runnable::run);
        p.frame(frames.video(0, 25, 100, now.get()));
        p.close();
        assertEquals(1, viewer.gone);
        assertEquals(StreamInfo.State.WAITING, registry.stream("cam1").orElseThrow().state());
        timers.advance(9_999);
        assertNull(viewer.endReason);
        RecordingSubscriber late = new RecordingSubscriber();
        registry.subscribe("cam1", late, Runnable::run);   // a waiting stream can still be joined
        timers.advance(1);
        assertEquals("stream ended: the publisher left and did not come back within 10 s", viewer.endReason);
        assertEquals(1, viewer.ends);
        assertEquals(1, late.ends);
        assertTrue(registry.stream("cam1").isEmpty());
        assertThrows(StreamNotFoundException.class, () -> registry.subscribe("cam1", new RecordingSubscriber(), Runnable::run));
        assertTrue(ended.isEmpty(), "a publisher that closed itself is not told it ended");
    }

    @Test
    void aPublisherThatComesBackWithinTheGracePeriodContinuesTheStream() throws Exception {
        Publication p = publishVideo("cam1", "rtmp a");
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam1", viewer, Runnable::run);
        p.frame(frames.video(0, 25, 100, now.get()));
        p.close();
        timers.advance(5_000);
        Publication again = publishVideo("cam1", "rtmp b");   // no busy refusal: nobody publishes it
        timers.advance(10_000);   // the old grace timer was cancelled
        again.frame(frames.video(0, 25, 100, now.get()));
        assertNull(viewer.endReason);
        assertEquals(2, viewer.frames().size());
        assertTrue(viewer.frames().get(1).discontinuity());
        assertEquals(2, viewer.frames().get(1).configVersion());
    }

    @Test
    void kickEndsPublisherAndViewersWithTheReason() throws Exception {
        Publication p = publishVideo("cam1", "rtmp a");
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam1", viewer, Runnable::run);
        p.frame(frames.video(0, 25, 100, now.get()));
        assertTrue(registry.kick("cam1", "kicked by admin"));
        assertEquals(List.of("kicked by admin"), ended);
        assertEquals("kicked by admin", viewer.endReason);
        assertFalse(p.isOpen());
        assertTrue(registry.streams().isEmpty());
        assertFalse(registry.kick("cam1", "again"));
        p.frame(frames.video(1, 25, 100, now.get()));   // released, not delivered
        assertEquals(1, viewer.frames().size());
        publishVideo("cam1", "rtmp c").close();   // the name is free again
    }

    @Test
    void refusesInvalidNamesAndFramesBeforeTheirTrack() throws Exception {
        for (String bad : new String[] {"", "a/b", "x".repeat(65), "naïve", "a b", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> registry.publish(bad, "o", ended::add));
            assertTrue(e.getMessage().contains("invalid stream name"), e.getMessage());
        }
        Publication p = registry.publish("cam1", "o", ended::add);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.frame(frames.video(0, 25, 10, now.get())));
        assertEquals("stream 'cam1': frame for track 0 before its configuration (declare the track first)",
                e.getMessage());
        p.track(TestFrames.video(1));
        Frame wrongTrack = new Frame(0, org.stateos.api.media.Codec.AAC, 0, 0, 0, Frame.KEYFRAME, 1,
                frames.buffer(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> p.frame(wrongTrack));
    }

    @Test
    void countsFramesBitrateAndViewers() throws Exception {
        Publication p = publishVideo("cam1", "rtmp a");
        p.track(TestFrames.audio(1));
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam1", viewer, Runnable::run).close();
        registry.subscribe("cam1", new RecordingSubscriber(), Runnable::run);
        for (int i = 0; i < 100; i++) {   // 4 s at 25 fps, 1000 bytes a frame: 200 kbit/s
            now.addAndGet(40_000);
            p.frame(frames.video(i, 25, 1000, now.get()));
        }
        StreamInfo info = registry.stream("cam1").orElseThrow();
        assertEquals(100, info.frames());
        assertEquals(1, info.viewers());
        assertEquals("closed by the subscriber", viewer.endReason);
        assertEquals(2, info.tracks().size());
        StreamInfo.TrackInfo v = info.tracks().get(0);
        assertEquals(200_000, v.bitrateBps(), 20_000);
        assertEquals(25.0, v.frameRate(), 2.5);
        assertEquals(0, info.tracks().get(1).bitrateBps());
    }
}
