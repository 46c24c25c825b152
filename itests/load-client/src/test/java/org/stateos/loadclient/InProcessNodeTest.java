package org.stateos.loadclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;
import org.stateos.webrtc.internal.session.SessionRegistry;
import org.stateos.webrtc.internal.session.SessionSettings;
import org.stateos.webrtc.internal.transport.TransportSettings;
import org.stateos.webrtc.internal.transport.WebRtcTransportServer;

/**
 * The webrtc bundle's real transport (UDP, ICE-lite, DTLS, SRTP) and session registry (negotiation, H264
 * packetizer, RTCP) in-process behind a tiny WHEP HTTP front, fed 30 fps H264 by a fake media service; the load
 * client runs three viewers against it.
 */
class InProcessNodeTest {
    static final byte[] AVCC = {1, 0x42, (byte) 0xc0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 9, 0x67, 0x42, (byte) 0xc0,
            0x1f, (byte) 0xda, 0x01, 0x40, 0x16, (byte) 0xe8, 1, 0, 4, 0x68, (byte) 0xce, 0x0f, (byte) 0xc8};
    static final TrackConfig VIDEO = new TrackConfig(0, Codec.H264, 1, AVCC, 1280, 720, 0, 0, 1L);

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final ScheduledExecutorService camera = Executors.newSingleThreadScheduledExecutor();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private WebRtcTransportServer transport;
    private SessionRegistry registry;
    private HttpServer http;

    record Subscriber(StreamSubscriber s, Executor executor) {
    }

    @AfterEach
    void stop() throws Exception {
        camera.shutdownNow();
        camera.awaitTermination(5, TimeUnit.SECONDS);
        if (http != null) {
            http.stop(0);
        }
        if (registry != null) {
            registry.close();
        }
        if (transport != null) {
            transport.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void threeViewersReceiveEveryPacketAndTheFirstKeyframe() throws Exception {
        transport = new WebRtcTransportServer(TransportSettings.defaults("127.0.0.1", 0), group);
        transport.start();
        registry = new SessionRegistry(SessionSettings.DEFAULT, new FakeMedia(), transport,
                io.netty.buffer.ByteBufAllocator.DEFAULT, new SecureRandom());
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/whep/", this::whep);
        http.start();
        long[] frame = {0};
        camera.scheduleAtFixedRate(() -> publish(frame[0]++), 0, 33, TimeUnit.MILLISECONDS);

        URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/whep/cam");
        // The 3 s hold starts once every viewer is set up (at most 30 s): on a loaded box the handshakes alone can
        // take most of a fixed window, and the packet count below is about the hold, not the setup.
        Report report = LoadRun.run(new LoadRun.Options(url, 3, 3, 1, 2, 10, 0.75, -1, 30));

        assertEquals(3, report.viewers().size());
        for (ViewerResult v : report.viewers()) {
            assertNull(v.failure(), "viewer " + v.index());
            assertEquals("CONNECTED", v.state());
            assertEquals("AEAD_AES_128_GCM", v.srtpProfile());
            assertTrue(v.videoPackets() > 100, "video packets: " + v.videoPackets());
            assertEquals(0, v.videoLost(), "no loss on loopback");
            assertEquals(0, v.srtpErrors());
            // The GOP cache sends the last keyframe as soon as DTLS is done: judge the wait after setup, since the
            // handshake itself can take seconds on a loaded box.
            assertTrue(v.keyframeWaitMs() >= 0 && v.keyframeWaitMs() - v.setupMs() < 2000,
                    "keyframe wait " + v.keyframeWaitMs() + " ms, setup " + v.setupMs() + " ms");
            assertTrue(v.idrFrames() >= 2, "a keyframe every 15 frames: " + v.idrFrames());
            assertTrue(v.rtcpSent() >= 1, "receiver reports sent");
        }
        assertTrue(report.text().contains("total: 3/3 viewers receiving"), report.text());
        assertEquals(0, registry.size(), "every session DELETEd");
    }

    /** POST /whep/cam and DELETE /whep/cam/<id>, as the node's WhepRoute does them. */
    private void whep(HttpExchange x) throws IOException {
        String[] path = x.getRequestURI().getPath().substring("/whep/".length()).split("/");
        int status;
        String body = "";
        try {
            if (x.getRequestMethod().equals("POST") && path.length == 1) {
                String offer = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                SessionRegistry.Created c = registry.create(path[0], offer);
                x.getResponseHeaders().set("Location", "/whep/" + path[0] + "/" + c.session().id());
                x.getResponseHeaders().set("Content-Type", "application/sdp");
                status = 201;
                body = c.answer();
            } else if (x.getRequestMethod().equals("DELETE") && path.length == 2) {
                status = registry.close(path[0], path[1], "DELETE") ? 200 : 404;
            } else {
                status = 405;
            }
        } catch (Exception e) {
            status = 400;
            body = e.toString();
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
        x.close();
    }

    /** One 30 fps frame to every subscriber: a keyframe (8 kB, several FU-A) every 15th, else 1.5 kB. */
    private void publish(long n) {
        boolean key = n % 15 == 0;
        int size = key ? 8000 : 1500;
        long pts = n * 3000;
        for (Subscriber sub : subscribers) {
            byte[] nal = new byte[size];
            nal[0] = (byte) (key ? 0x65 : 0x41);
            ByteBuf payload = Unpooled.buffer(size + 4).writeInt(size).writeBytes(nal);
            Frame f = new Frame(0, Codec.H264, pts, pts, System.currentTimeMillis() * 1000, key ? Frame.KEYFRAME : 0, 1,
                    payload);
            sub.executor().execute(() -> sub.s().onFrame(f));
        }
    }

    private final class FakeMedia implements MediaService {
        @Override
        public Publication publish(String name, String origin, PublisherListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor) {
            Subscriber sub = new Subscriber(subscriber, executor);
            executor.execute(() -> subscriber.onTrack(VIDEO));
            subscribers.add(sub);
            return new Subscription() {
                public String streamName() {
                    return name;
                }

                public long droppedFrames() {
                    return 0;
                }

                public int queuedFrames() {
                    return 0;
                }

                public void close() {
                    if (subscribers.remove(sub)) {
                        executor.execute(() -> subscriber.onEnd("closed"));
                    }
                }
            };
        }

        @Override
        public Optional<StreamInfo> stream(String name) {
            return name.equals("cam") ? Optional.of(new StreamInfo("cam", StreamInfo.State.LIVE, "test", Instant.now(),
                    List.of(new StreamInfo.TrackInfo(VIDEO, 2_500_000, 30)), 2_500_000, 0, 0, 0)) : Optional.empty();
        }

        @Override
        public List<StreamInfo> streams() {
            return List.of();
        }

        @Override
        public boolean kick(String name, String reason) {
            return false;
        }
    }
}
