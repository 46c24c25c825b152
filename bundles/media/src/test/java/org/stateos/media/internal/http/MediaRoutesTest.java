package org.stateos.media.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.stateos.media.internal.record.CmafRecorder;
import org.stateos.media.internal.record.RecordingStats;
import org.stateos.media.internal.registry.MediaRegistry;
import org.stateos.store.internal.LogStructuredStore;

/** /api/streams, coverage and /dvr over a live registry recording into the real store. */
class MediaRoutesTest {
    static final long T0 = 1_700_000_000_000_000L;
    @TempDir
    Path dir;
    final TestFrames frames = new TestFrames();
    final AtomicLong now = new AtomicLong(T0);
    final ExecutorService loop = Executors.newSingleThreadExecutor();
    final ExecutorService reads = Executors.newSingleThreadExecutor();
    final RecordingStats.Counters counters = new RecordingStats.Counters();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdown();
        reads.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS) && reads.awaitTermination(10, TimeUnit.SECONDS));
        frames.assertAllReleased();
    }

    @Test
    void listsStreamsAnswersCoverageAndServesThePlayableRecording() throws Exception {
        H264Source src = H264Source.generate(dir, 75);
        LogStructuredStore store = TestStore.open(dir);
        try {
            MediaRegistry registry = new MediaRegistry(Settings.DEFAULTS, now::get, new ManualTimers(),
                    name -> new CmafRecorder(name, store, Settings.DEFAULTS, loop, counters));
            Publication p = registry.publish("cam1", "rtmp 192.0.2.7:50322", r -> { });
            p.track(new TrackConfig(0, Codec.H264, 1, src.avcc, 320, 240, 0, 0, T0));
            for (int i = 0; i < src.units.size(); i++) {
                now.set(T0 + i * 40_000L);
                p.frame(new Frame(0, Codec.H264, i * 3600L, i * 3600L, now.get(), src.keys.get(i) ? Frame.KEYFRAME : 0,
                        1, frames.buffer(src.units.get(i))));
            }
            StreamsRoute streams = new StreamsRoute(registry, store);
            FakeExchange list = new FakeExchange("/api/streams", "/api/streams");
            streams.handle(list);
            assertEquals(HttpResponseStatus.OK, list.status);
            JsonObject s = JsonParser.parseString(list.text()).getAsJsonObject().getAsJsonArray("streams").get(0)
                    .getAsJsonObject();
            assertEquals("cam1", s.get("name").getAsString());
            assertEquals("LIVE", s.get("state").getAsString());
            assertEquals("rtmp 192.0.2.7:50322", s.get("origin").getAsString());
            assertEquals(75, s.get("frames").getAsLong());
            JsonObject t = s.getAsJsonArray("tracks").get(0).getAsJsonObject();
            assertEquals("H264", t.get("codec").getAsString());
            assertEquals(320, t.get("width").getAsInt());
            assertTrue(t.get("webRtcNative").getAsBoolean());
            assertEquals(25.0, t.get("frameRate").getAsDouble(), 1.0);

            p.close();   // the last GOP is written out
            RecordingSubscriber.await(() -> counters.snapshot(true, true).fragmentsWritten() == 3 && counters.snapshot(true, true).inFlight() == 0,
                    Duration.ofSeconds(30), "3 fragments recorded");

            FakeExchange cov = new FakeExchange("/api/streams", "/api/streams/cam1/coverage?track=0");
            streams.handle(cov);
            JsonObject c = JsonParser.parseString(cov.text()).getAsJsonObject();
            assertEquals(HttpResponseStatus.OK, cov.status, cov.text());
            assertTrue(c.get("complete").getAsBoolean(), cov.text());
            assertEquals(T0, c.get("from").getAsLong());
            assertEquals(T0 + 3_000_000L, c.get("to").getAsLong());
            JsonArray covered = c.getAsJsonArray("covered");
            assertEquals(1, covered.size());

            FakeExchange bad = new FakeExchange("/api/streams", "/api/streams/cam1/coverage?from=x");
            streams.handle(bad);
            assertEquals(HttpResponseStatus.BAD_REQUEST, bad.status);
            assertTrue(bad.text().contains("'from' is not a number"), bad.text());

            DvrRoute dvr = new DvrRoute(store, reads);
            FakeExchange mp4 = new FakeExchange("/dvr", "/dvr/cam1.mp4");
            dvr.handle(mp4);
            assertTrue(mp4.done.get(30, TimeUnit.SECONDS), "the download ended normally");
            assertEquals("video/mp4", mp4.contentType);
            Path file = dir.resolve("download.mp4");
            Files.write(file, mp4.body.toByteArray());
            assertEquals(75, H264Source.countFrames(file));

            FakeExchange part = new FakeExchange("/dvr", "/dvr/cam1.mp4?from=" + (T0 + 1_500_000) + "&to=" + (T0 + 1_600_000));
            dvr.handle(part);
            assertTrue(part.done.get(30, TimeUnit.SECONDS));
            Files.write(file, part.body.toByteArray());
            assertEquals(25, H264Source.countFrames(file), "the one GOP that overlaps the range");

            FakeExchange none = new FakeExchange("/dvr", "/dvr/nothing.mp4");
            dvr.handle(none);
            assertEquals(HttpResponseStatus.NOT_FOUND, none.status);
            FakeExchange badName = new FakeExchange("/dvr", "/dvr/a%2Fb.mp4");
            dvr.handle(badName);
            assertEquals(HttpResponseStatus.NOT_FOUND, badName.status);
            registry.close();
        } finally {
            TestStore.close(store);
        }
    }
}
