package org.stateos.media.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.H264Source;
import org.stateos.media.internal.ManualTimers;
import org.stateos.media.internal.RecordingSubscriber;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.TestFrames;
import org.stateos.media.internal.TestStore;
import org.stateos.media.internal.registry.MediaRegistry;
import org.stateos.store.Coverage;
import org.stateos.store.IndexEntry;
import org.stateos.store.Unit;
import org.stateos.store.UnitStore;
import org.stateos.store.internal.LogStructuredStore;

/** Recording through the registry into the real store, read back as one MP4 that ffprobe decodes. */
class RecordingTest {
    static final long T0 = 1_700_000_000_000_000L;
    @TempDir
    Path dir;
    final TestFrames frames = new TestFrames();
    final AtomicLong now = new AtomicLong(T0);
    final ExecutorService loop = Executors.newSingleThreadExecutor();
    final RecordingStats.Counters counters = new RecordingStats.Counters();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        frames.assertAllReleased();
    }

    @Test
    void recordsGopFragmentsWithAGaplessTimeIndexAndReadsThemBackAsOnePlayableFile() throws Exception {
        H264Source src = H264Source.generate(dir, 100);
        LogStructuredStore store = TestStore.open(dir);
        try {
            MediaRegistry registry = new MediaRegistry(Settings.DEFAULTS, now::get, new ManualTimers(),
                    name -> new CmafRecorder(name, store, Settings.DEFAULTS, loop, counters));
            Publication p = registry.publish("cam1", "test", r -> { });
            p.track(new TrackConfig(0, Codec.H264, 1, src.avcc, 320, 240, 0, 0, T0));
            p.track(TestFrames.audio(1));
            int audio = 0;
            for (int i = 0; i < src.units.size(); i++) {
                long ingest = T0 + i * 40_000L;
                now.set(ingest);
                p.frame(new Frame(0, Codec.H264, i * 3600L, i * 3600L, ingest, src.keys.get(i) ? Frame.KEYFRAME : 0, 1,
                        frames.buffer(src.units.get(i))));
                while (audio * 1920L < (i + 1) * 3600L) {   // audio interleaved by decode time
                    p.frame(frames.audio(audio, T0 + audio * 21_333L));
                    audio++;
                }
            }
            p.close();
            RecordingSubscriber.await(() -> counters.written.get() == 8 && counters.inFlight.get() == 0,
                    Duration.ofSeconds(30), "4 video and 4 audio fragments stored and indexed, got " + counters.written);
            assertEquals(0, counters.failures.get());
            assertEquals(0, counters.dropped.get());

            List<IndexEntry> video = store.timeIndex().query("cam1/0", Long.MIN_VALUE, Long.MAX_VALUE);
            assertEquals(4, video.size());
            long start = video.get(0).span().startMicros();
            long end = video.get(3).span().endMicros();
            assertEquals(T0, start);
            assertEquals(T0 + 4_000_000L, end, "the last fragment lasts to its last frame's end");
            Coverage c = store.timeIndex().coverage("cam1/0", start, end);
            assertTrue(c.complete(), "gaps: " + c.gaps());
            assertTrue(store.timeIndex().coverage("cam1/1", T0, T0 + 3_900_000L).complete());
            Unit first = store.get(video.get(0).unit()).toCompletableFuture().join().orElseThrow();
            assertEquals(CmafRecorder.FRAGMENT_TYPE, first.type());
            assertEquals(CmafRecorder.INIT_TYPE,
                    store.get(first.links().get(0)).toCompletableFuture().join().orElseThrow().type());

            Path mp4 = dir.resolve("dvr.mp4");
            DvrReader.Result r;
            try (OutputStream out = Files.newOutputStream(mp4)) {
                r = new DvrReader(store, loop).copy(video, b -> {
                    try {
                        out.write(b);
                        return CompletableFuture.completedFuture(null);
                    } catch (java.io.IOException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                }).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            assertEquals(new DvrReader.Result(4, 0, Files.size(mp4), false), r);
            assertEquals(100, H264Source.countFrames(mp4));

            registry.close();
            // A long range is a loop of tasks on the reader's executor, never a recursion as deep as the range
            // (here one fragment 3000 times, each get completing at once from the unit cache), and every step
            // after a read runs there, not on the store's read threads (the same store reopened without its
            // cache: every get is a device read on a store thread).
            assertLongRangeRunsOnTheReadersExecutor(store, video.get(0), 3000);
            TestStore.close(store);
            LogStructuredStore uncached = TestStore.open(dir, Map.of("cache_unit_bytes", 0L));
            try {
                assertLongRangeRunsOnTheReadersExecutor(uncached, video.get(0), 200);
            } finally {
                TestStore.close(uncached);
            }
        } finally {
            TestStore.close(store);
        }
    }

    private static void assertLongRangeRunsOnTheReadersExecutor(UnitStore store, IndexEntry fragment, int times)
            throws Exception {
        ExecutorService steps = Executors.newSingleThreadExecutor(task -> new Thread(task, "dvr-steps"));
        try {
            Set<String> writers = ConcurrentHashMap.newKeySet();
            DvrReader.Result r = new DvrReader(store, steps).copy(Collections.nCopies(times, fragment), b -> {
                writers.add(Thread.currentThread().getName());
                return CompletableFuture.completedFuture(null);
            }).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(times, r.fragments());
            assertEquals(Set.of("dvr-steps"), writers);
        } finally {
            steps.shutdownNow();
        }
    }

    @Test
    void aStoreThatComesUpAfterTheStreamStartedRecordsFromThenOnWithItsInitSegment() throws Exception {
        // On a first boot the store formats its device while RTMP publishers already stream.
        H264Source src = H264Source.generate(dir, 100);
        LogStructuredStore store = TestStore.open(dir);
        java.util.concurrent.atomic.AtomicReference<UnitStore> current = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            MediaRegistry registry = new MediaRegistry(Settings.DEFAULTS, now::get, new ManualTimers(),
                    name -> new CmafRecorder(name, current::get, Settings.DEFAULTS, loop, counters));
            Publication p = registry.publish("cam1", "test", r -> { });
            p.track(new TrackConfig(0, Codec.H264, 1, src.avcc, 320, 240, 0, 0, T0));
            for (int i = 0; i < src.units.size(); i++) {
                if (i == 50) {
                    current.set(store);   // the store appears mid-stream (frame 50 is a keyframe)
                }
                long ingest = T0 + i * 40_000L;
                now.set(ingest);
                p.frame(new Frame(0, Codec.H264, i * 3600L, i * 3600L, ingest, src.keys.get(i) ? Frame.KEYFRAME : 0, 1,
                        frames.buffer(src.units.get(i))));
            }
            p.close();
            RecordingSubscriber.await(() -> counters.written.get() == 3 && counters.inFlight.get() == 0,
                    Duration.ofSeconds(30), "the GOPs after the store came up recorded, got " + counters.written + " written, " + counters.dropped + " dropped, " + counters.failures + " failed");
            assertEquals(1, counters.dropped.get(), "the GOP finished before it is dropped, not queued");
            List<IndexEntry> video = store.timeIndex().query("cam1/0", Long.MIN_VALUE, Long.MAX_VALUE);
            assertEquals(3, video.size());
            Unit first = store.get(video.get(0).unit()).toCompletableFuture().join().orElseThrow();
            assertEquals(CmafRecorder.INIT_TYPE,
                    store.get(first.links().get(0)).toCompletableFuture().join().orElseThrow().type(),
                    "the init segment made before the store came up is stored with the first fragment");
            registry.close();
        } finally {
            TestStore.close(store);
        }
    }

    @Test
    void aStoreThatDoesNotKeepUpCostsFragmentsNeverTheIngest() throws Exception {
        // A store whose writes never complete: the recorder must drop, not wait.
        UnitStore stuck = (UnitStore) Proxy.newProxyInstance(UnitStore.class.getClassLoader(),
                new Class<?>[] {UnitStore.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "put" -> new CompletableFuture<>();
                    case "maxUnitBytes" -> Unit.DEFAULT_MAX_BYTES;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Settings s = Settings.DEFAULTS.withRecording(true, 2);
        CmafRecorder rec = new CmafRecorder("cam1", stuck, s, Runnable::run, counters);
        rec.track(TestFrames.video(1));
        for (int i = 0; i < 25 * 6; i++) {   // 6 GOPs: 5 fragments cut, 2 in flight, 3 dropped
            Frame f = frames.video(i, 25, 100, T0 + i * 40_000L);
            rec.frame(f);
            f.release();
        }
        assertEquals(2, rec.inFlight());
        assertEquals(3, counters.dropped.get());
        rec.close();   // the open GOP: dropped too
        assertEquals(4, counters.dropped.get());
        assertFalse(counters.written.get() > 0);
    }
}
