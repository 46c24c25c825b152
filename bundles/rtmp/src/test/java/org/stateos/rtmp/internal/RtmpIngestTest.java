package org.stateos.rtmp.internal;

import org.stateos.testsupport.LeakCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.TrackConfig;
import org.stateos.rtmp.internal.RecordingMediaService.FrameRecord;
import org.stateos.rtmp.internal.RecordingMediaService.Recorded;
import org.stateos.rtmp.internal.session.SessionState;

/**
 * The real server on an ephemeral loopback port, real ffmpeg publishing to it, a recording MediaService behind it:
 * what a publisher and the media registry see.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RtmpIngestTest {
    @TempDir
    Path dir;
    NioEventLoopGroup group;
    RecordingMediaService media;
    RtmpServer server;

    @BeforeEach
    void start() throws IOException {
        group = new NioEventLoopGroup(2, new DefaultThreadFactory("rtmp-test-loop"));
        media = new RecordingMediaService();
        server = new RtmpServer(RtmpSettings.loopback(Set.of()), group, media);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "rtmp://127.0.0.1:" + server.localAddress().getPort() + path;
    }

    @Test
    void ffmpegPublishesH264AndAacWithMonotonicTimestampsAndKeyframesEvery25Frames() throws Exception {
        try (Ffmpeg ffmpeg = Ffmpeg.publish(url("/live/test"), 3, dir, "-profile:v", "baseline")) {
            assertEquals(0, ffmpeg.awaitExit(60), ffmpeg.output());
        }
        Recorded pub = media.latest("test").orElseThrow(() -> new AssertionError("nothing published"));
        Await.until("the publication is closed after ffmpeg unpublished", Duration.ofSeconds(10), () -> !pub.open,
                () -> "open");
        assertTrue(pub.origin.startsWith("rtmp 127.0.0.1:"), pub.origin);

        TrackConfig video = pub.tracks.stream().filter(t -> t.track() == 0).findFirst().orElseThrow();
        assertEquals(Codec.H264, video.codec());
        assertEquals(320, video.width());
        assertEquals(240, video.height());
        assertEquals(1, video.version());
        TrackConfig audio = pub.tracks.stream().filter(t -> t.track() == 1).findFirst().orElseThrow();
        assertEquals(Codec.AAC, audio.codec());
        assertTrue(audio.sampleRate() == 44100 || audio.sampleRate() == 48000, audio.toString());
        assertEquals(1, audio.channels());
        assertEquals(2, pub.tracks.size(), "one configuration per track: " + pub.tracks);

        List<FrameRecord> frames = pub.frames(0);
        assertTrue(frames.size() >= 70, "video frames: " + frames.size());
        List<Integer> keyIndexes = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            FrameRecord f = frames.get(i);
            assertEquals(Codec.H264, f.codec());
            assertEquals(f.dts(), f.pts(), "baseline: no reordering");
            assertEquals(1, f.configVersion());
            assertTrue(f.size() > 4);
            if (i > 0) {
                long step = f.dts() - frames.get(i - 1).dts();
                assertTrue(step > 0 && step <= Frame.millisToTicks(80), "dts step " + step + " at frame " + i);
            }
            if (f.key()) {
                keyIndexes.add(i);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += 25) {
            expected.add(i);
        }
        assertEquals(expected, keyIndexes, "keyframe positions");

        List<FrameRecord> sound = pub.frames(1);
        assertTrue(sound.size() > 100, "AAC frames: " + sound.size()); // 3 s at 44.1 kHz / 1024 = 129
        long now = RtmpServer.wallMicros();
        for (FrameRecord f : sound) {
            assertTrue(f.key());
            assertTrue(f.ingestMicros() <= now && f.ingestMicros() > now - 60_000_000L, "ingest time " + f);
        }
        Await.until("no sessions left", Duration.ofSeconds(10), () -> server.sessions().isEmpty(),
                () -> server.sessions().toString());
        LeakCheck.assertNoLeaks();
    }

    @Test
    void secondPublisherOfALiveStreamIsRefusedWithTheRegistrysMessage() throws Exception {
        try (Ffmpeg first = Ffmpeg.publish(url("/live/busy"), 30, dir, "-profile:v", "baseline")) {
            Await.until("the first publisher sends frames", Duration.ofSeconds(30),
                    () -> media.latest("busy").map(p -> p.frames.size() > 10).orElse(false),
                    first::output);
            try (RecordingProxy proxy = new RecordingProxy(server.localAddress());
                    Ffmpeg second = Ffmpeg.publish("rtmp://127.0.0.1:" + proxy.port() + "/live/busy", 3, dir,
                            "-profile:v", "baseline")) {
                int exit = second.awaitExit(60);
                assertNotEquals(0, exit, second.output());
                assertEquals(1, media.refusals.size(), media.refusals.toString());
                String message = media.refusals.get(0);
                Await.until("the proxy saw the connection end", Duration.ofSeconds(10), proxy::finished, () -> "");
                List<Map<String, Object>> statuses = Captures.statuses(Captures.commands(proxy.serverBytes()));
                assertTrue(statuses.stream().anyMatch(s -> "NetStream.Publish.BadName".equals(s.get("code"))
                        && message.equals(s.get("description")) && "error".equals(s.get("level"))), statuses.toString());
                assertTrue(second.output().contains(message), "ffmpeg shows the server's reason:\n" + second.output());
            }
            assertTrue(media.latest("busy").orElseThrow().open, "the first publisher keeps its stream");
            assertTrue(first.process.isAlive(), first.output());
        }
    }

    @Test
    void publisherWithBFramesIsWarnedAndFramesCarryCompositionOffsets() throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(server.localAddress());
                Ffmpeg ffmpeg = Ffmpeg.publish("rtmp://127.0.0.1:" + proxy.port() + "/live/bframes", 3, dir,
                        "-profile:v", "main", "-bf", "2")) {
            assertEquals(0, ffmpeg.awaitExit(60), ffmpeg.output());
            Await.until("the proxy saw the connection end", Duration.ofSeconds(10), proxy::finished, () -> "");
            List<Map<String, Object>> statuses = Captures.statuses(Captures.commands(proxy.serverBytes()));
            assertTrue(statuses.stream().anyMatch(s -> "warning".equals(s.get("level"))
                    && "NetStream.Publish.Warning".equals(s.get("code"))
                    && String.valueOf(s.get("description")).contains("bframes=0")), statuses.toString());
        }
        Recorded pub = media.latest("bframes").orElseThrow();
        List<FrameRecord> frames = pub.frames(0);
        assertTrue(frames.size() >= 70, "video frames: " + frames.size());
        assertTrue(frames.stream().anyMatch(f -> f.pts() > f.dts()), "some frames are reordered");
        long lastDts = Long.MIN_VALUE;
        for (FrameRecord f : frames) {
            assertTrue(f.pts() >= f.dts(), f.toString());
            assertTrue(f.dts() > lastDts, "dts increases: " + f);
            lastDts = f.dts();
        }
        assertTrue(frames.stream().anyMatch(f -> (f.flags() & Frame.DROPPABLE) != 0),
                "non-reference B pictures are marked droppable");
    }

    @Test
    void lostConnectionClosesThePublication() throws Exception {
        Recorded pub;
        try (Ffmpeg ffmpeg = Ffmpeg.publish(url("/live/lost"), 30, dir, "-profile:v", "baseline")) {
            Await.until("frames arrive", Duration.ofSeconds(30),
                    () -> media.latest("lost").map(p -> p.frames.size() > 10).orElse(false), ffmpeg::output);
            pub = media.latest("lost").orElseThrow();
            assertTrue(pub.open);
            assertEquals(SessionState.PUBLISHING, server.sessions().get(0).state());
            ffmpeg.process.destroyForcibly(); // SIGKILL: no FCUnpublish, the socket just closes
        }
        Await.until("publication closed", Duration.ofSeconds(10), () -> !pub.open, () -> "still open");
        Await.until("no sessions left", Duration.ofSeconds(10), () -> server.sessions().isEmpty(),
                () -> server.sessions().toString());
        LeakCheck.assertNoLeaks();
        assertNoBundleClassCachedInTheEventLoops();
    }

    /**
     * Hot swap: Netty caches some handler types in FastThreadLocals of the (shared, long-lived) event loop threads;
     * a class of this bundle held there would keep the old bundle's class loader alive after an update.
     */
    void assertNoBundleClassCachedInTheEventLoops() throws Exception {
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            List<String> cached = loop.submit(() -> {
                io.netty.util.internal.InternalThreadLocalMap map = io.netty.util.internal.InternalThreadLocalMap.get();
                List<String> names = new ArrayList<>();
                map.typeParameterMatcherGetCache().keySet().forEach(c -> names.add(c.getName()));
                map.typeParameterMatcherFindCache().keySet().forEach(c -> names.add(c.getName()));
                return names;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(cached.stream().noneMatch(n -> n.startsWith("org.stateos.rtmp")), cached.toString());
        }
    }

    @Test
    void registryEndingThePublicationDisconnectsThePublisherWithTheReason() throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(server.localAddress());
                Ffmpeg ffmpeg = Ffmpeg.publish("rtmp://127.0.0.1:" + proxy.port() + "/live/kicked", 30, dir,
                        "-profile:v", "baseline")) {
            Await.until("frames arrive", Duration.ofSeconds(30),
                    () -> media.latest("kicked").map(p -> p.frames.size() > 10).orElse(false), ffmpeg::output);
            assertTrue(media.kick("kicked", "taken over by rtmp 192.0.2.7:50322"));
            Await.until("ffmpeg disconnected", Duration.ofSeconds(15), () -> !ffmpeg.process.isAlive(),
                    ffmpeg::output);
            Await.until("the proxy saw the connection end", Duration.ofSeconds(10), proxy::finished, () -> "");
            List<Map<String, Object>> statuses = Captures.statuses(Captures.commands(proxy.serverBytes()));
            assertTrue(statuses.stream().anyMatch(s -> "NetStream.Unpublish.Success".equals(s.get("code"))
                    && "taken over by rtmp 192.0.2.7:50322".equals(s.get("description"))), statuses.toString());
        }
        Await.until("no sessions left", Duration.ofSeconds(10), () -> server.sessions().isEmpty(),
                () -> server.sessions().toString());
    }

    @Test
    void keysOutsideTheAllowedListAreRefused() throws Exception {
        server.close();
        server = new RtmpServer(RtmpSettings.loopback(Set.of("studio1")), group, media);
        server.start();
        try (Ffmpeg ffmpeg = Ffmpeg.publish(url("/live/intruder"), 2, dir, "-profile:v", "baseline")) {
            assertNotEquals(0, ffmpeg.awaitExit(60));
            assertTrue(ffmpeg.output().contains("not allowed to publish"), ffmpeg.output());
        }
        assertTrue(media.publications.isEmpty());
        try (Ffmpeg ffmpeg = Ffmpeg.publish(url("/live/studio1"), 1, dir, "-profile:v", "baseline")) {
            assertEquals(0, ffmpeg.awaitExit(60), ffmpeg.output());
        }
        assertFalse(media.latest("studio1").orElseThrow().frames.isEmpty());
    }

}
