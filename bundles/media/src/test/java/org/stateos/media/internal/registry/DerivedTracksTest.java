package org.stateos.media.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.ManualTimers;
import org.stateos.media.internal.RecordingSubscriber;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.TestFrames;

/** Derived tracks (an Opus rendition of AAC): fan-out and GOP cache like any track; not a publisher; not recorded. */
class DerivedTracksTest {
    final AtomicLong now = new AtomicLong(1_700_000_000_000_000L);
    final ManualTimers timers = new ManualTimers();
    final TestFrames frames = new TestFrames();
    final List<String> recorded = new CopyOnWriteArrayList<>();
    final MediaRegistry registry = new MediaRegistry(Settings.DEFAULTS, now::get, timers, name -> new StreamRecorder() {
        @Override
        public void track(TrackConfig config) {
            recorded.add("track " + config.track());
        }

        @Override
        public void frame(Frame frame) {
            recorded.add("frame " + frame.track());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    });
    final List<String> ended = new CopyOnWriteArrayList<>();

    static TrackConfig opus(int version) {
        return new TrackConfig(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, version, new byte[0], 0, 0, 48_000, 2, 0);
    }

    Frame opusFrame(int n) {
        return new Frame(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, n * 1800L, n * 1800L, now.get(), Frame.KEYFRAME, 1,
                frames.buffer(new byte[] {(byte) n, 9}));
    }

    @AfterEach
    void allReleased() {
        registry.close();
        frames.assertAllReleased();
    }

    private Publication publishAv() throws Exception {
        Publication p = registry.publish("cam", "rtmp test", ended::add);
        p.track(TestFrames.video(1));
        p.track(TestFrames.audio(1));
        return p;
    }

    @Test
    void derivedTracksReachLiveViewersAndTheGopCacheButNotTheRecording() throws Exception {
        Publication p = publishAv();
        RecordingSubscriber early = new RecordingSubscriber();
        registry.subscribe("cam", early, Runnable::run);
        Publication d = registry.publishDerived("cam", "transcoder", ended::add);
        d.track(opus(1));
        p.frame(frames.video(0, 25, 100, now.get()));
        p.frame(frames.audio(0, now.get()));
        d.frame(opusFrame(0));
        p.frame(frames.video(1, 25, 100, now.get()));
        d.frame(opusFrame(1));

        assertEquals(List.of(0, 1, 8), early.tracks().stream().map(TrackConfig::track).toList());
        assertEquals(List.of(0, 1, 8, 0, 8), early.frames().stream().map(RecordingSubscriber.Seen::track).toList());

        RecordingSubscriber late = new RecordingSubscriber();   // joins mid-GOP: gets the cached derived frames too
        registry.subscribe("cam", late, Runnable::run);
        assertEquals(List.of(0, 1, 8), late.tracks().stream().map(TrackConfig::track).toList());
        assertEquals(List.of(0, 1, 8, 0, 8), late.frames().stream().map(RecordingSubscriber.Seen::track).toList());

        assertTrue(recorded.stream().noneMatch(s -> s.endsWith(" 8")), recorded.toString());
        assertTrue(recorded.contains("frame 1"), recorded.toString());
        StreamInfo info = registry.stream("cam").orElseThrow();
        assertEquals(3, info.tracks().size());
    }

    @Test
    void aDerivedPublicationIsNotThePublisherSoItNeitherKeepsTheNameBusyNorTakesOver() throws Exception {
        Publication p = publishAv();
        Publication d = registry.publishDerived("cam", "transcoder", ended::add);
        d.track(opus(1));
        p.frame(frames.video(0, 25, 100, now.get()));
        for (int i = 0; i < 3; i++) {
            now.addAndGet(1_000_000);
            d.frame(opusFrame(i));   // activity of the derived track only
        }
        Publication second = registry.publish("cam", "rtmp other", ended::add);   // silent publisher: taken over
        assertFalse(p.isOpen());
        assertTrue(d.isOpen(), "the derived publication outlives a takeover");
        assertEquals("rtmp other", registry.stream("cam").orElseThrow().origin());
        second.close();
    }

    @Test
    void derivedFramesAreDroppedWhileTheStreamWaitsForItsPublisher() throws Exception {
        Publication p = publishAv();
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam", viewer, Runnable::run);
        Publication d = registry.publishDerived("cam", "transcoder", ended::add);
        d.track(opus(1));
        p.close();
        d.frame(opusFrame(0));
        assertTrue(viewer.frames().isEmpty());
        assertEquals(StreamInfo.State.WAITING, registry.stream("cam").orElseThrow().state());
    }

    @Test
    void endsWithTheStreamAndTellsItsOwnerWhy() throws Exception {
        publishAv();
        List<String> derivedEnded = new ArrayList<>();
        Publication d = registry.publishDerived("cam", "transcoder", derivedEnded::add);
        registry.kick("cam", "operator says so");
        assertFalse(d.isOpen());
        assertEquals(List.of("operator says so"), derivedEnded);
        d.frame(opusFrame(0));   // released, ignored
    }

    @Test
    void closingRemovesItsTracksForNewViewers() throws Exception {
        publishAv();
        Publication d = registry.publishDerived("cam", "transcoder", ended::add);
        d.track(opus(1));
        d.close();
        RecordingSubscriber viewer = new RecordingSubscriber();
        registry.subscribe("cam", viewer, Runnable::run);
        assertEquals(List.of(0, 1), viewer.tracks().stream().map(TrackConfig::track).toList());
    }

    @Test
    void trackIndicesAreSplitBetweenPublishersAndDerivers() throws Exception {
        Publication p = publishAv();
        Publication d = registry.publishDerived("cam", "transcoder", ended::add);
        assertThrows(IllegalArgumentException.class, () -> p.track(opus(1)));
        assertThrows(IllegalArgumentException.class, () -> d.track(TestFrames.audio(1)));
        d.track(opus(1));
        Publication other = registry.publishDerived("cam", "another", ended::add);
        assertThrows(IllegalStateException.class, () -> other.track(opus(1)));
    }

    @Test
    void refusesAStreamThatDoesNotExist() {
        assertThrows(StreamNotFoundException.class, () -> registry.publishDerived("nope", "transcoder", ended::add));
    }
}
