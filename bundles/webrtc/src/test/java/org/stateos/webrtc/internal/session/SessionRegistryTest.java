package org.stateos.webrtc.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.nio.NioEventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;
import org.stateos.webrtc.internal.sdp.SdpException;
import org.stateos.webrtc.internal.sdp.SdpFixtures;
import org.stateos.webrtc.internal.srtp.SrtpProfile;
import org.stateos.webrtc.internal.transport.TransportSettings;
import org.stateos.webrtc.internal.transport.WebRtcTransportServer;

/** The registry with the real transport on a free loopback port and a one-stream media service. */
class SessionRegistryTest {
    static final TrackConfig VIDEO = new TrackConfig(0, Codec.H264, 1, WhepSessionTest.AVCC, 1280, 720, 0, 0, 1L);

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private WebRtcTransportServer transport;
    private SessionRegistry registry;

    private void start(int transportMaxSessions) throws Exception {
        start(transportMaxSessions, SessionSettings.DEFAULT);
    }

    private void start(int transportMaxSessions, SessionSettings sessionSettings) throws Exception {
        TransportSettings d = TransportSettings.defaults("127.0.0.1", 0);
        transport = new WebRtcTransportServer(new TransportSettings(d.bindAddress(), 0, List.of(), d.iceTimeout(),
                d.consentTimeout(), d.dtlsHandshakeTimeout(), 1, 1, List.of(SrtpProfile.AEAD_AES_128_GCM),
                transportMaxSessions, 1, true), group);
        transport.start();
        registry = new SessionRegistry(sessionSettings, new OneStream(), transport, ByteBufAllocator.DEFAULT,
                new SecureRandom());
    }

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (transport != null) {
            transport.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void anOfferWithAFingerprintHashTheTransportRefusesIsABadOfferNotAServerError() throws Exception {
        start(10);
        String md5 = SdpFixtures.chromeOffer().replace("a=fingerprint:sha-256", "a=fingerprint:md5");
        SdpException e = assertThrows(SdpException.class, () -> registry.create("cam", md5));
        assertEquals(SdpException.MALFORMED, e.status());
        assertTrue(e.getMessage().contains("md5"), e.getMessage());
        assertEquals(0, registry.size());
        assertEquals(0, transport.sessionCount());
        assertTrue(subscriptions.isEmpty(), "nothing subscribed for a refused offer");
    }

    @Test
    void aFullTransportIsTooManySessionsAndLeavesNothingBehind() throws Exception {
        start(1);
        SessionRegistry.Created first = registry.create("cam", SdpFixtures.chromeOffer());
        assertThrows(SessionRegistry.TooManySessionsException.class, () -> registry.create("cam", SdpFixtures.chromeOffer()));
        assertEquals(1, registry.size());
        assertEquals(1, transport.sessionCount());
        assertEquals(1, subscriptions.size());
        // DELETE twice, and DELETE of an unknown session or of another stream's: false (404), nothing else happens
        assertFalse(registry.close("other", first.session().id(), "wrong stream"));
        assertTrue(registry.close("cam", first.session().id(), "DELETE"));
        assertFalse(registry.close("cam", first.session().id(), "DELETE again"));
        assertFalse(registry.close("cam", "00112233445566778899aabbccddeeff", "unknown"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (transport.sessionCount() > 0 || !subscriptions.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "transport and subscription released");
            Thread.onSpinWait();
        }
        assertEquals(0, registry.size());
    }

    @Test
    void oneAddressCanHaveOnlySoManySessionsConnectingAtOnce() throws Exception {
        start(1000);
        java.net.InetAddress flooder = java.net.InetAddress.getByName("192.0.2.66");
        int limit = SessionSettings.DEFAULT.maxConnectingPerAddress();
        SessionRegistry.Created first = registry.create("cam", SdpFixtures.chromeOffer(), flooder);
        for (int i = 1; i < limit; i++) {
            registry.create("cam", SdpFixtures.chromeOffer(), flooder);
        }
        // Before: every offer was answered until whep.max.sessions, so one client filled the node with sessions
        // that never connect (each held until the ICE timeout) and everyone else got 503.
        SessionRegistry.TooManySessionsException e = assertThrows(SessionRegistry.TooManySessionsException.class,
                () -> registry.create("cam", SdpFixtures.chromeOffer(), flooder));
        assertTrue(e.getMessage().contains("192.0.2.66"), e.getMessage());
        assertEquals(limit, registry.size());
        assertEquals(limit, transport.sessionCount(), "the refused offer opened no transport");
        registry.create("cam", SdpFixtures.chromeOffer(), java.net.InetAddress.getByName("192.0.2.67"));
        registry.create("cam", SdpFixtures.chromeOffer(), java.net.InetAddress.getLoopbackAddress()); // the node's own tools
        // One of its sessions ends: that address may make a new one.
        assertTrue(registry.close("cam", first.session().id(), "DELETE"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (first.session().state() != WhepSession.State.CLOSED) {
            assertTrue(System.nanoTime() < deadline, "the session closed");
            Thread.onSpinWait();
        }
        registry.create("cam", SdpFixtures.chromeOffer(), flooder);
    }

    @Test
    void oneAddressCanHaveOnlySoManySessionsConnectedOrNot() throws Exception {
        SessionSettings d = SessionSettings.DEFAULT;
        int limit = 3;
        start(1000, new SessionSettings(d.maxPayload(), d.nackBufferPackets(), d.nackMaxAgeMs(),
                d.senderReportIntervalMs(), d.connectTimeoutSeconds(), d.maxSessions(), d.gopCacheFrames(),
                d.catchUpPacketsPerMs(), d.maxOfferBytes(), d.nackMaxRetransmitsPerSecond(), 50, limit));
        java.net.InetAddress hog = java.net.InetAddress.getByName("192.0.2.70");
        SessionRegistry.Created first = registry.create("cam", SdpFixtures.chromeOffer(), hog);
        for (int i = 1; i < limit; i++) {
            registry.create("cam", SdpFixtures.chromeOffer(), hog);
        }
        // Before: only sessions still connecting were counted per address, so a client that connects its sessions
        // could take all whep.max.sessions of the node.
        SessionRegistry.TooManyFromAddressException e = assertThrows(SessionRegistry.TooManyFromAddressException.class,
                () -> registry.create("cam", SdpFixtures.chromeOffer(), hog));
        assertTrue(e.getMessage().contains("192.0.2.70") && e.getMessage().contains("whep.max.sessions.per.address"),
                e.getMessage());
        assertEquals(limit, registry.size());
        assertEquals(limit, transport.sessionCount(), "the refused offer opened no transport");
        registry.create("cam", SdpFixtures.chromeOffer(), java.net.InetAddress.getByName("192.0.2.71"));
        for (int i = 0; i <= limit; i++) {
            registry.create("cam", SdpFixtures.chromeOffer(), java.net.InetAddress.getLoopbackAddress()); // not limited
        }
        assertTrue(registry.close("cam", first.session().id(), "DELETE"));
        registry.create("cam", SdpFixtures.chromeOffer(), hog); // one ended: room for one more
        assertThrows(SessionRegistry.TooManyFromAddressException.class,
                () -> registry.create("cam", SdpFixtures.chromeOffer(), hog));
    }

    @Test
    void concurrentOffersNeverOvershootWhepMaxSessions() throws Exception {
        SessionSettings d = SessionSettings.DEFAULT;
        start(1000, new SessionSettings(d.maxPayload(), d.nackBufferPackets(), d.nackMaxAgeMs(),
                d.senderReportIntervalMs(), d.connectTimeoutSeconds(), 5, d.gopCacheFrames(), d.catchUpPacketsPerMs(),
                d.maxOfferBytes(), d.nackMaxRetransmitsPerSecond(), d.maxConnectingPerAddress(), d.maxSessionsPerAddress()));
        // Before: the limit was checked, then the session entered after the transport and the answer were made, so
        // offers arriving together (one per HTTP loop) all passed the check.
        assertEquals(5, offersAtOnce(32), "offers answered out of 32 at once, whep.max.sessions 5");
        assertEquals(5, registry.size());
        assertEquals(5, transport.sessionCount());
    }

    @Test
    void concurrentOpensNeverOvershootTheTransportsMaxSessions() throws Exception {
        start(5);
        assertEquals(5, offersAtOnce(32), "offers answered out of 32 at once, transport max.sessions 5");
        assertEquals(5, registry.size());
        assertEquals(5, transport.sessionCount());
    }

    /** Makes {@code n} offers from {@code n} threads released together; returns how many were answered. */
    private int offersAtOnce(int n) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String offer = SdpFixtures.chromeOffer();
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        registry.create("cam", offer);
                        return true;
                    } catch (SessionRegistry.TooManySessionsException refused) {
                        return false;
                    }
                }));
            }
            int answered = 0;
            for (Future<Boolean> r : results) {
                answered += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            return answered;
        } finally {
            pool.shutdownNow();
        }
    }

    private final class OneStream implements MediaService {
        @Override
        public Publication publish(String name, String origin, PublisherListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor) {
            Subscription s = new Subscription() {
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
                    subscriptions.remove(this);
                }
            };
            subscriptions.add(s);
            executor.execute(() -> subscriber.onTrack(VIDEO));
            return s;
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
