package org.stateos.webrtc.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.TrackConfig;
import org.stateos.webrtc.internal.metrics.ServerLatency;
import org.stateos.webrtc.internal.sdp.Negotiation;
import org.stateos.webrtc.internal.sdp.Negotiator;
import org.stateos.webrtc.internal.sdp.SdpFixtures;
import org.stateos.webrtc.internal.sdp.SdpParser;
import org.stateos.webrtc.internal.transport.PeerTransport;

/** The send path records server-added latency once per live video frame, after its packets, never for catch-up. */
class WhepSessionLatencyTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final List<Frame> made = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        loop.submit(() -> {
            sent.forEach(ByteBuf::release);
            sent.clear();
        }).get(10, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private final PeerTransport transport = new PeerTransport() {
        public LocalParameters local() {
            return SdpFixtures.local();
        }

        public EventLoop eventLoop() {
            return loop;
        }

        public boolean isConnected() {
            return true;
        }

        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("192.0.2.50", 50_000);
        }

        public void sendRtp(ByteBuf p) {
            sent.add(p);
        }

        public void sendRtcp(ByteBuf p) {
            sent.add(p);
        }

        public TransportStats stats() {
            return new TransportStats(0, 0, 0, 0, "test");
        }

        public void close() {
        }
    };

    private static long wallMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** A frame that entered the node {@code agoMicros} ago. */
    private Frame frame(long pts, boolean key, long agoMicros) {
        // Unpooled: a released pooled buffer object is recycled for the next allocation on the thread (an RTCP
        // report still held by the test transport), and its refCnt would then be that one's.
        ByteBuf payload = io.netty.buffer.Unpooled.buffer().writeInt(3000).writeBytes(new byte[3000]);
        payload.setByte(4, key ? 0x65 : 0x41);
        Frame f = new Frame(0, Codec.H264, pts, pts, wallMicros() - agoMicros, key ? Frame.KEYFRAME : 0,
                1, payload);
        made.add(f);
        return f;
    }

    @Test
    void recordsEachLiveFrameOnceAndLeavesTheCatchUpBurstOut() throws Exception {
        Negotiation n = Negotiator.negotiate(new SdpParser().parse(SdpFixtures.chromeOffer()), null, false);
        SessionSettings s = new SessionSettings(1200, 64, 1000, 100, 30, 10, 600, 32, 65536, 500, 10, 100);
        WhepSession session = new WhepSession("0123456789abcdef", "cam", n, s, ByteBufAllocator.DEFAULT, "cn",
                new int[] {1, 2, 100, 0}, x -> { });
        ServerLatency latency = new ServerLatency();
        session.attach(transport);
        session.recordLatencyInto(latency);
        loop.submit(() -> {
            session.onTrack(new TrackConfig(0, Codec.H264, 1, WhepSessionTest.AVCC, 1280, 720, 0, 0, 1L));
            session.onFrame(frame(0, true, 5_000_000));     // cached while connecting: 5 s old on purpose
            session.onFrame(frame(3000, false, 5_000_000));
            session.onConnected(transport);
        }).get(10, TimeUnit.SECONDS);
        loop.submit(() -> {
            session.onFrame(frame(6000, false, 2_000));     // live: 2 ms after ingest
            session.onFrame(frame(9000, false, 2_000));
        }).get(10, TimeUnit.SECONDS);
        ServerLatency.Figures f = latency.snapshot().sinceStart();
        assertEquals(2, f.count(), "two live frames, each once, however many packets: " + f);
        assertTrue(f.p50Micros() >= 2_000 && f.maxMicros() < 1_000_000, "the live frames' age, not the cached ones': " + f);
        assertTrue(sent.size() >= 4 * 3, "every frame went out in several FU-A packets: " + sent.size());
        session.close("test");
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        for (Frame fr : made) {
            assertEquals(0, fr.refCnt(), "frame " + fr);
        }
    }
}
