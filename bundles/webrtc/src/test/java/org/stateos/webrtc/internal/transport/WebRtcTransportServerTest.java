package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpProfile;
import org.stateos.webrtc.internal.stun.StunMessage;
import org.stateos.webrtc.internal.stun.StunWriter;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/** The real UDP server on a free loopback port against a browser-like peer: ICE, DTLS-SRTP, SRTP both ways. */
class WebRtcTransportServerTest {
    private static final String RTCP_RR = "81c90007deadbeef0000000100000000000000000000000000000000";

    private NioEventLoopGroup group;
    private WebRtcTransportServer server;

    @BeforeEach
    void start() throws IOException {
        group = new NioEventLoopGroup(1);
        startServer(TransportSettings.defaults("127.0.0.1", 0));
    }

    private void startServer(TransportSettings settings) throws IOException {
        if (server != null) {
            server.close();
        }
        server = new WebRtcTransportServer(settings, group);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void connectsAndCarriesSrtpBothWaysWithGcmPreferredOverTheClientsOrder() throws Exception {
        connectAndExchange(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM),
                SrtpProfile.AEAD_AES_128_GCM);
    }

    @Test
    void connectsWithAesCmWhenTheClientOffersOnlyThat() throws Exception {
        connectAndExchange(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    }

    private void connectAndExchange(List<SrtpProfile> offered, SrtpProfile expected) throws Exception {
        int othersOpen = server.sessionCount();
        try (BrowserLikePeer peer = new BrowserLikePeer(server.localAddress())) {
            RecordingListener listener = new RecordingListener();
            PeerTransport t = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD,
                    new Fingerprint("sha-256", peer.fingerprint()), listener);
            assertEquals(List.of(server.localAddress()), t.local().candidates());
            assertEquals(server.fingerprint(), t.local().fingerprint());
            assertFalse(t.isConnected());

            StunMessage answer = peer.check(t.local().iceUfrag(), t.local().icePwd(), true);
            assertEquals(StunMessage.BINDING_SUCCESS, answer.type());
            assertTrue(answer.hasIntegrity());
            assertEquals(peer.localAddress(), StunWriter.decodeXorMappedAddress(answer.xorMappedAddress(), answer.transactionId()));

            peer.handshake(offered);
            assertEquals(server.fingerprint(), peer.serverFingerprintSeen);
            assertEquals(expected, peer.keys.profile());
            assertTrue(listener.connected.get(5, TimeUnit.SECONDS).isConnected());
            assertTrue(listener.callbacksOnLoop);
            assertEquals(peer.localAddress(), t.remoteAddress());
            assertEquals(expected.name(), t.stats().srtpProfile());

            // Server -> client RTP, from a thread outside the loop and twice across the sequence wrap.
            SrtpContext clientReceiver = peer.receiver();
            for (int seq : new int[] {65535, 0}) {
                ByteBuf rtp = Unpooled.directBuffer(12 + 1200 + PeerTransport.SRTP_TRAILER_BYTES);
                rtp.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(90000).writeInt(0x11223344);
                for (int i = 0; i < 1200; i++) {
                    rtp.writeByte(i);
                }
                String plain = ByteBufUtil.hexDump(rtp);
                t.sendRtp(rtp);
                ByteBuf got = Unpooled.wrappedBuffer(peer.receiveSrtp());
                assertEquals(12 + 1200 + expected.tagBytes, got.readableBytes());
                clientReceiver.unprotectRtp(got);
                assertEquals(plain, ByteBufUtil.hexDump(got));
            }
            assertEquals(1, clientReceiver.rolloverCounter(0x11223344));

            // Server -> client RTCP.
            ByteBuf sr = Unpooled.buffer(64).writeBytes(HexFormat.of().parseHex(RTCP_RR));
            t.sendRtcp(sr);
            ByteBuf gotRtcp = Unpooled.wrappedBuffer(peer.receiveSrtp());
            clientReceiver.unprotectRtcp(gotRtcp);
            assertEquals(RTCP_RR, ByteBufUtil.hexDump(gotRtcp));

            // The fan-out path: the viewer's header + a slice of a shared payload array, sent with one sendto on
            // the loop and through the default (copy, hop) from outside it.
            byte[] shared = new byte[3000];
            new java.util.Random(5).nextBytes(shared);
            byte[] sharedBefore = shared.clone();
            for (int k = 0; k < 2; k++) {
                int seq = 1 + k;
                byte[] header = new byte[12];
                org.stateos.webrtc.internal.rtp.RtpStream.writeHeader(header, 96, k == 1, seq, 180_000, 0x11223344);
                int offset = 100 * k;
                if (k == 0) {
                    t.eventLoop().submit(() -> t.sendRtp(header, shared, offset, 1200)).get(5, TimeUnit.SECONDS);
                } else {
                    t.sendRtp(header, shared, offset, 1200);
                }
                ByteBuf got = Unpooled.wrappedBuffer(peer.receiveSrtp());
                clientReceiver.unprotectRtp(got);
                byte[] want = new byte[12 + 1200];
                System.arraycopy(header, 0, want, 0, 12);
                System.arraycopy(shared, offset, want, 12, 1200);
                assertEquals(HexFormat.of().formatHex(want), ByteBufUtil.hexDump(got), "shared-payload packet " + k);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(sharedBefore, shared);

            // Client -> server RTCP reaches onRtcp decrypted; a replay of it does not.
            SrtpContext clientSender = peer.sender();
            ByteBuf rr = Unpooled.buffer(64).writeBytes(HexFormat.of().parseHex(RTCP_RR));
            clientSender.protectRtcp(rr);
            peer.send(rr);
            peer.send(rr);
            assertEquals(RTCP_RR, listener.rtcp.poll(5, TimeUnit.SECONDS));
            // A second, fresh packet arrives, so the replay had its chance to show up before it.
            ByteBuf rr2 = Unpooled.buffer(64).writeBytes(HexFormat.of().parseHex(RTCP_RR));
            clientSender.protectRtcp(rr2);
            peer.send(rr2);
            assertEquals(RTCP_RR, listener.rtcp.poll(5, TimeUnit.SECONDS));
            assertTrue(listener.rtcp.isEmpty(), "the replayed SRTCP packet was refused");
            assertEquals(2, t.stats().packetsReceived());
            assertEquals(5, t.stats().packetsSent());

            // The session ends: the peer sees close_notify, the listener hears onClosed once.
            t.close();
            assertEquals("closed by the session", listener.closed.get(5, TimeUnit.SECONDS));
            byte[] buf = new byte[2048];
            int n;
            try {
                n = peer.dtls.receive(buf, 0, buf.length, 5000);
            } catch (java.net.SocketException closedByBc) {
                n = -1;
            }
            assertEquals(-1, n);
            assertTrue(peer.socket.isClosed(), "close_notify made the client's DTLS close its socket");
            assertEquals(1, listener.closedCalls);
            assertEquals(othersOpen, server.sessionCount());
        }
    }

    @Test
    void socketsOnEveryLoopShareThePortAndCarrySessionsWhereverTheKernelSendsTheirInput() throws Exception {
        restartOnTwoLoops(TransportSettings.defaults("127.0.0.1", 0));
        assertEquals(2, server.socketCount(), "SO_REUSEPORT on Linux: one socket per loop");
        java.util.Set<io.netty.channel.EventLoop> loops = new java.util.HashSet<>();
        // Sessions alternate between the sockets (fewest sessions first); each peer's input lands on whichever
        // socket the kernel hashes its address to, so some rounds hand DTLS and SRTP to the other loop.
        List<PeerTransport> idle = new java.util.ArrayList<>();
        for (int round = 0; round < 4; round++) {
            if (round % 2 == 1) {
                idle.add(server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD, new Fingerprint("sha-256", "00:11"),
                        new RecordingListener())); // holds the first socket, so the next session goes to the second
            }
            RecordingListener probe = new RecordingListener();
            PeerTransport p = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD, new Fingerprint("sha-256", "00:11"), probe);
            loops.add(p.eventLoop());
            p.close();
            probe.closed.get(5, TimeUnit.SECONDS);
            connectAndExchange(List.of(SrtpProfile.AEAD_AES_128_GCM), SrtpProfile.AEAD_AES_128_GCM);
        }
        assertEquals(2, loops.size(), "sessions were placed on both loops");
        idle.forEach(PeerTransport::close);
    }

    /** Replaces the one-loop server of the set-up with one on a fresh group of two event loops. */
    private void restartOnTwoLoops(TransportSettings settings) throws Exception {
        server.close();
        server = null;
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        group = new NioEventLoopGroup(2);
        startServer(settings);
    }

    @Test
    void anAddressTakenOverBySessionOnAnotherLoopLeavesTheOldSessionOnItsOwnLoop() throws Exception {
        restartOnTwoLoops(TransportSettings.defaults("127.0.0.1", 0));
        Fingerprint fp = new Fingerprint("sha-256", "00:11");
        PeerSession old = (PeerSession) server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD, fp, new RecordingListener());
        PeerSession now = (PeerSession) server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD, fp, new RecordingListener());
        assertTrue(old.eventLoop() != now.eventLoop(), "placed on both loops");
        InetSocketAddress browser = new InetSocketAddress("127.0.0.1", 40_000);
        old.eventLoop().submit(() -> old.onValidCheck(browser, true)).get(5, TimeUnit.SECONDS);
        // The old session's loop is busy while a reload of the page validates the same address on the other loop.
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        old.eventLoop().execute(() -> {
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        try {
            now.eventLoop().submit(() -> now.onValidCheck(browser, true)).get(5, TimeUnit.SECONDS);
            // Before: the other loop removed it from the old session's (unsynchronized) list there and then.
            assertTrue(old.validatedAddresses().contains(browser), "the old session's list changes only on its own loop");
        } finally {
            release.countDown();
        }
        assertFalse(old.eventLoop().submit(() -> old.validatedAddresses().contains(browser)).get(5, TimeUnit.SECONDS),
                "then the old session lets the address go");
        assertTrue(server.sessionByAddress(browser) == now);
        old.close();
        now.close();
    }

    @Test
    void oneSocketWhenConfigured() throws Exception {
        restartOnTwoLoops(TransportSettings.defaults("127.0.0.1", 0).withUdpSockets(1));
        assertEquals(1, server.socketCount());
        connectAndExchange(List.of(SrtpProfile.AEAD_AES_128_GCM), SrtpProfile.AEAD_AES_128_GCM);
    }

    @Test
    void refusesAClientWhoseCertificateIsNotTheOnesInTheOffer() throws Exception {
        try (BrowserLikePeer peer = new BrowserLikePeer(server.localAddress());
                BrowserLikePeer other = new BrowserLikePeer(server.localAddress())) {
            RecordingListener listener = new RecordingListener();
            PeerTransport t = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD,
                    new Fingerprint("sha-256", other.fingerprint()), listener);
            peer.check(t.local().iceUfrag(), t.local().icePwd(), true);
            IOException e = assertThrows(IOException.class, () -> peer.handshake(List.of(SrtpProfile.AEAD_AES_128_GCM)));
            assertTrue(e instanceof TlsFatalAlertReceived, e.toString());
            String reason = listener.closed.get(5, TimeUnit.SECONDS);
            assertTrue(reason.contains("fingerprint does not match"), reason);
            assertFalse(listener.connected.isDone());
            assertEquals(0, server.sessionCount());
        }
    }

    @Test
    void aPeerWhoseHandshakesStallCannotHoldEveryHandshakeThread() throws Exception {
        // Two handshake threads, a 30 s handshake timeout: a stalled handshake holds its thread for the whole test.
        // Lanes for loopback addresses too: the test's peers can only sit there (production exempts loopback).
        server.close();
        server = new WebRtcTransportServer(TransportSettings.defaults("127.0.0.1", 0)
                .withDtlsHandshakes(Duration.ofSeconds(30), 2, 1), group, a -> true);
        server.start();
        java.net.InetAddress attacker = java.net.InetAddress.getByName("127.0.0.2");
        List<BrowserLikePeer> stalled = new java.util.ArrayList<>();
        List<RecordingListener> stalledListeners = new java.util.ArrayList<>();
        try (BrowserLikePeer good = new BrowserLikePeer(server.localAddress())) {
            for (int i = 0; i < 3; i++) {
                BrowserLikePeer p = new BrowserLikePeer(server.localAddress(), attacker);
                stalled.add(p);
                RecordingListener l = new RecordingListener();
                stalledListeners.add(l);
                PeerTransport t = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD,
                        new Fingerprint("sha-256", p.fingerprint()), l);
                assertEquals(StunMessage.BINDING_SUCCESS, p.check(t.local().iceUfrag(), t.local().icePwd(), true).type());
                p.sendClientHelloOnly(); // and never another byte
                if (i == 0) {
                    assertEquals(22, p.receive()[0], "the server answered with its flight: the first handshake runs");
                }
            }
            RecordingListener listener = new RecordingListener();
            PeerTransport t = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD,
                    new Fingerprint("sha-256", good.fingerprint()), listener);
            good.check(t.local().iceUfrag(), t.local().icePwd(), true);
            java.util.concurrent.CompletableFuture<Void> handshake = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    good.handshake(List.of(SrtpProfile.AEAD_AES_128_GCM));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Before: all threads held by 127.0.0.2 for 30 s and this handshake queued behind them.
            assertTrue(listener.connected.get(10, TimeUnit.SECONDS).isConnected(),
                    "another address connects while one address stalls its handshakes");
            handshake.get(10, TimeUnit.SECONDS);
            stalledListeners.forEach(l -> assertFalse(l.closed.isDone(), "the stalled ones wait their turn, not refused"));
        } finally {
            stalled.forEach(BrowserLikePeer::close);
        }
    }

    @Test
    void closesASessionWhoseConsentExpires() throws Exception {
        startServer(TransportSettings.defaults("127.0.0.1", 0).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        try (BrowserLikePeer peer = new BrowserLikePeer(server.localAddress())) {
            RecordingListener listener = new RecordingListener();
            PeerTransport t = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD,
                    new Fingerprint("sha-256", peer.fingerprint()), listener);
            peer.check(t.local().iceUfrag(), t.local().icePwd(), true);
            peer.handshake(List.of(SrtpProfile.AEAD_AES_128_GCM));
            listener.connected.get(5, TimeUnit.SECONDS);
            // No more checks: consent expires after 2 s (sweep once a second).
            String reason = listener.closed.get(10, TimeUnit.SECONDS);
            assertTrue(reason.startsWith("consent expired"), reason);
            assertFalse(t.isConnected());
            // Media for the closed session is dropped, never sent.
            t.sendRtp(Unpooled.buffer(40).writeBytes(new byte[] {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}));
        }
    }

    @Test
    void closesASessionThatNeverSeesACheck() throws Exception {
        startServer(TransportSettings.defaults("127.0.0.1", 0).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        RecordingListener listener = new RecordingListener();
        server.open("abcd", "0123456789012345678901", new Fingerprint("sha-256", "00:11"), listener);
        String reason = listener.closed.get(10, TimeUnit.SECONDS);
        assertTrue(reason.startsWith("ICE timed out"), reason);
    }

    @Test
    void answersWrongPasswordWith401AndLearnsNoAddress() throws Exception {
        try (BrowserLikePeer peer = new BrowserLikePeer(server.localAddress())) {
            RecordingListener listener = new RecordingListener();
            PeerTransport t = server.open(BrowserLikePeer.UFRAG, BrowserLikePeer.PWD,
                    new Fingerprint("sha-256", peer.fingerprint()), listener);
            StunMessage answer = peer.check(t.local().iceUfrag(), "wrongpassword0123456789", true);
            assertEquals(StunMessage.BINDING_ERROR, answer.type());
            assertEquals(401, answer.errorCode());
            assertFalse(answer.hasIntegrity());
            // DTLS from the unvalidated address is dropped: the handshake gets no answer.
            IOException e = assertThrows(IOException.class, () -> {
                peer.socket.setSoTimeout(1500);
                ByteBuf hello = Unpooled.wrappedBuffer(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                peer.send(hello);
                peer.receive();
            });
            assertNotNull(e);
            assertFalse(listener.closed.isDone());
        }
    }

    @Test
    void refusesOffersWithBadCredentials() {
        RecordingListener l = new RecordingListener();
        Fingerprint fp = new Fingerprint("sha-256", "00");
        assertThrows(IllegalArgumentException.class, () -> server.open("ab", "0123456789012345678901", fp, l));
        assertThrows(IllegalArgumentException.class, () -> server.open("ab:c", "0123456789012345678901", fp, l));
        assertThrows(IllegalArgumentException.class, () -> server.open("abcd", "short", fp, l));
        assertThrows(IllegalArgumentException.class, () -> server.open("abcd", "0123456789012345678901",
                new Fingerprint("md5", "00"), l));
    }

    @Test
    void dropsGarbageOfEveryKindWithoutAnswering() throws Exception {
        try (BrowserLikePeer peer = new BrowserLikePeer(server.localAddress())) {
            peer.socket.setSoTimeout(1000);
            for (byte[] junk : new byte[][] {{}, {0}, {1, 1, 0, 0}, {22, 1}, {(byte) 0x80}, {(byte) 0x80, (byte) 200},
                    {100, 1, 2, 3}, new byte[1500]}) {
                peer.send(Unpooled.wrappedBuffer(junk));
            }
            // A STUN request with a bad fingerprint is not answered either; a valid but unknown one gets 401.
            ByteBuf req = StunWriter.bindingRequest(ByteBufAllocator.DEFAULT, new byte[12], "nobody:brws", 1, false, 1,
                    null, new org.stateos.webrtc.internal.stun.StunIntegrity());
            try {
                ByteBuf bad = req.copy();
                bad.setByte(bad.writerIndex() - 1, bad.getByte(bad.writerIndex() - 1) ^ 1);
                peer.send(bad);
                bad.release();
                peer.send(req);
            } finally {
                req.release();
            }
            ByteBuf answer = Unpooled.wrappedBuffer(peer.receive());
            StunMessage m = StunMessage.parse(answer);
            assertEquals(400, m.errorCode(), "no MESSAGE-INTEGRITY: 400, and nothing earlier was answered");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.droppedDatagrams() < 9 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(server.droppedDatagrams() >= 9, "dropped " + server.droppedDatagrams());
        }
    }

    static InetSocketAddress any() {
        return new InetSocketAddress(0);
    }
}
