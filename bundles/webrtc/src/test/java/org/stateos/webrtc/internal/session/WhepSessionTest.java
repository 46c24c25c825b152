package org.stateos.webrtc.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;
import org.stateos.api.media.TranscodeLease;
import org.stateos.api.media.TranscodeService;
import org.stateos.webrtc.internal.rtcp.RtcpPacket;
import org.stateos.webrtc.internal.rtp.RetransmitBuffer;
import org.stateos.webrtc.internal.rtp.RtpStream;
import org.stateos.webrtc.internal.rtcp.RtcpParser;
import org.stateos.webrtc.internal.sdp.Negotiation;
import org.stateos.webrtc.internal.sdp.Negotiator;
import org.stateos.webrtc.internal.sdp.SdpFixtures;
import org.stateos.webrtc.internal.sdp.SdpParser;
import org.stateos.webrtc.internal.transport.PeerTransport;

/** A session against an in-test transport that records what it is asked to send (plain RTP/RTCP). */
class WhepSessionTest {
    static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, (byte) 0xda, 0x01, 0x40, 0x16, (byte) 0xe8};
    static final byte[] PPS = {0x68, (byte) 0xce, 0x0f, (byte) 0xc8};
    static final byte[] AVCC = {1, 0x42, (byte) 0xc0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 9, 0x67, 0x42, (byte) 0xc0,
            0x1f, (byte) 0xda, 0x01, 0x40, 0x16, (byte) 0xe8, 1, 0, 4, 0x68, (byte) 0xce, 0x0f, (byte) 0xc8};

    private final EventLoop loop = new DefaultEventLoop();
    private final FakeTransport transport = new FakeTransport();
    private final List<Frame> framesMade = new ArrayList<>();
    /** Ingest time of pts 0: now, as for a live stream (the SR's NTP time is the current time). */
    private final long ingestBase = System.currentTimeMillis() * 1000L;

    @AfterEach
    void cleanUp() throws Exception {
        transport.releaseAll();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (Frame f : framesMade) {
            assertEquals(0, f.refCnt(), "every frame reference released: " + f);
        }
    }

    final class FakeTransport implements PeerTransport {
        final List<ByteBuf> rtp = new ArrayList<>();
        final List<ByteBuf> rtcp = new ArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

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

        public synchronized void sendRtp(ByteBuf p) {
            assertTrue(p.writableBytes() >= SRTP_TRAILER_BYTES);
            rtp.add(p);
        }

        public synchronized void sendRtcp(ByteBuf p) {
            rtcp.add(p);
        }

        public TransportStats stats() {
            return new TransportStats(0, 0, 0, 0, "test");
        }

        public void close() {
            closed.set(true);
        }

        synchronized int rtpCount() {
            return rtp.size();
        }

        synchronized int rtcpCount() {
            return rtcp.size();
        }

        synchronized void releaseAll() {
            rtp.forEach(ByteBuf::release);
            rtcp.forEach(ByteBuf::release);
            rtp.clear();
            rtcp.clear();
        }
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(10, TimeUnit.SECONDS);
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(10, TimeUnit.SECONDS);
    }

    private static void awaitTrue(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private Frame video(long pts, boolean key, int size) {
        byte[] nal = new byte[size];
        nal[0] = (byte) (key ? 0x65 : 0x41);
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (pts + i);
        }
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeInt(size).writeBytes(nal);
        Frame f = new Frame(0, Codec.H264, pts, pts, ingestBase + Frame.ticksToMicros(pts),
                key ? Frame.KEYFRAME : 0, 1, payload);
        framesMade.add(f);
        return f;
    }

    private WhepSession session(AtomicReference<WhepSession> closedSeen) throws Exception {
        return session(closedSeen, false);
    }

    private WhepSession session(AtomicReference<WhepSession> closedSeen, boolean opus) throws Exception {
        Negotiation n = Negotiator.negotiate(new SdpParser().parse(SdpFixtures.chromeOffer()), null, opus);
        SessionSettings s = new SessionSettings(1200, 64, 1000, 100, 30, 10, 600, 32, 65536, 500, 10, 100);
        WhepSession session = new WhepSession("0123456789abcdef", "cam", n, s, ByteBufAllocator.DEFAULT, "cn",
                new int[] {0x1111, 0x2222, 100, 0}, closedSeen::set);
        session.attach(transport);
        session.subscribed(new Subscription() {
            public String streamName() {
                return "cam";
            }

            public long droppedFrames() {
                return 0;
            }

            public int queuedFrames() {
                return 0;
            }

            public void close() {
                loop.execute(() -> session.onEnd("closed"));
            }
        });
        onLoop(() -> session.onTrack(new TrackConfig(0, Codec.H264, 1, AVCC, 1280, 720, 0, 0, 1L)));
        return session;
    }

    @Test
    void cachedGopGoesOutOnConnectRetimedToEndAtLiveThenLiveFramesFollow() throws Exception {
        AtomicReference<WhepSession> closed = new AtomicReference<>();
        WhepSession session = session(closed);
        try {
            cachedGop(session, closed);
        } finally {
            session.close("test over");
            awaitTrue(() -> session.state() == WhepSession.State.CLOSED, "closed");
        }
    }

    private void cachedGop(WhepSession session, AtomicReference<WhepSession> closed) throws Exception {
        onLoop(() -> {
            session.onFrame(video(0, false, 100));      // before any keyframe: not cached
            session.onFrame(video(3000, true, 5000));   // keyframe starts the cache
            session.onFrame(video(6000, false, 100));
            session.onFrame(video(9000, false, 100));
        });
        assertEquals(0, transport.rtpCount(), "nothing is sent before the transport connects");
        onLoop(() -> session.onConnected(transport));
        awaitTrue(() -> transport.rtpCount() == 1 + 5 + 1 + 1, "STAP-A + 5 FU-A + 2 delta frames");
        onLoop(() -> session.onFrame(video(12_000, false, 100)));
        awaitTrue(() -> transport.rtpCount() == 9, "the live frame");
        List<ByteBuf> rtp;
        synchronized (transport) {
            rtp = List.copyOf(transport.rtp);
        }
        assertEquals(24, rtp.get(0).getByte(12) & 0x1f, "SPS+PPS STAP-A before the keyframe");
        for (int i = 0; i < rtp.size(); i++) {
            assertEquals((100 + i) & 0xffff, rtp.get(i).getUnsignedShort(2), "continuous sequence numbers");
            assertEquals(0x1111, rtp.get(i).getInt(8));
        }
        int key = rtp.get(0).getInt(4);
        int delta1 = rtp.get(6).getInt(4);
        int delta2 = rtp.get(7).getInt(4);
        int live = rtp.get(8).getInt(4);
        assertEquals(9000, delta2, "the newest cached frame keeps its own RTP time");
        assertEquals(9000 - 90, delta1, "earlier cached frames are 1 ms apart");
        assertEquals(9000 - 180, key);
        assertEquals(12_000, live, "live frames at their own time");
        assertTrue((rtp.get(5).getByte(1) & 0x80) != 0, "marker on the keyframe's last fragment");

        awaitTrue(() -> transport.rtcpCount() > 0, "a sender report");
        ByteBuf sr;
        synchronized (transport) {
            sr = transport.rtcp.get(0);
        }
        List<RtcpPacket> report = RtcpParser.parse(sr);
        RtcpPacket.SenderReport s = (RtcpPacket.SenderReport) report.get(0);
        assertEquals(0x1111, s.ssrc());
        assertEquals(9, s.packets());
        // NTP time maps to the ingest clock: (ntp -> micros) - ingest(live) == (rtp - 12000) / 90 kHz
        long micros = org.stateos.webrtc.internal.rtcp.RtcpWriter.unixMicros(s.ntpTimestamp());
        long ingestLive = ingestBase + Frame.ticksToMicros(12_000);
        assertTrue(Math.abs((micros - ingestLive) - Frame.ticksToMicros(s.rtpTimestamp() - 12_000L)) < 1000,
                "SR pairs RTP time with the ingest wall clock");

        session.close("test");
        awaitTrue(() -> closed.get() == session, "the session reports its end");
        assertTrue(transport.closed.get());
    }

    @Test
    void nackIsAnsweredWithTheSamePacketAndPliWaitsForTheNextKeyframe() throws Exception {
        WhepSession session = session(new AtomicReference<>());
        onLoop(() -> session.onConnected(transport));
        onLoop(() -> {
            session.onFrame(video(0, true, 100));
            session.onFrame(video(3000, false, 100));
        });
        assertEquals(3, transport.rtpCount()); // STAP-A, IDR, P
        byte[] original;
        synchronized (transport) {
            original = io.netty.buffer.ByteBufUtil.getBytes(transport.rtp.get(1));
        }
        ByteBuf nack = Unpooled.buffer().writeByte(0x81).writeByte(205).writeShort(3).writeInt(9).writeInt(0x1111)
                .writeShort(101).writeShort(0);
        onLoop(() -> session.onRtcp(nack));
        nack.release();
        assertEquals(4, transport.rtpCount());
        synchronized (transport) {
            assertArrayEquals(original, io.netty.buffer.ByteBufUtil.getBytes(transport.rtp.get(3)), "retransmitted as sent");
        }
        ByteBuf pli = Unpooled.buffer().writeByte(0x81).writeByte(206).writeShort(2).writeInt(9).writeInt(0x1111);
        onLoop(() -> session.onRtcp(pli));
        pli.release();
        onLoop(() -> session.onFrame(video(6000, false, 100)));
        assertEquals(4, transport.rtpCount(), "after a PLI delta frames wait for the next keyframe");
        onLoop(() -> session.onFrame(video(9000, true, 100)));
        assertEquals(6, transport.rtpCount(), "STAP-A + keyframe");
        WhepSession.Info info = session.info();
        assertEquals(1, info.nacks());
        assertEquals(1, info.retransmitted());
        assertEquals(1, info.keyframeRequests());
        session.close("test");
        awaitTrue(() -> session.state() == WhepSession.State.CLOSED, "closed");
    }

    @Test
    void aNackStormIsAnsweredOncePerPacketAndWithinTheRetransmitBudget() throws Exception {
        WhepSession session = session(new AtomicReference<>());
        onLoop(() -> session.onConnected(transport));
        onLoop(() -> session.onFrame(video(0, true, 50_000))); // STAP-A + 42 FU-A: sequence numbers 100..142
        int sent = transport.rtpCount();
        assertEquals(43, sent);
        // A hostile viewer NACKs every buffered packet 10 times per RTCP packet, in 20 packets back to back:
        // 8600 requests (each compound stays under the parser's 2048). Before the fix every one was resent.
        ByteBuf nack = Unpooled.buffer().writeByte(0x81).writeByte(205).writeShort(2 + 30).writeInt(9).writeInt(0x1111);
        for (int i = 0; i < 10; i++) {
            nack.writeShort(100).writeShort(0xffff).writeShort(117).writeShort(0xffff).writeShort(134).writeShort(0x00ff);
        }
        long start = System.nanoTime();
        onLoop(() -> {
            for (int i = 0; i < 20; i++) {
                session.onRtcp(nack.duplicate());
            }
        });
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        nack.release();
        WhepSession.Info info = session.info();
        assertEquals(8600, info.nacks(), "every request is counted");
        // A packet is resent at most once per RetransmitBuffer.MIN_RESEND_GAP_MS (the storm took elapsedMs).
        long perPacket = 1 + elapsedMs / RetransmitBuffer.MIN_RESEND_GAP_MS + 1;
        assertTrue(info.retransmitted() <= 43 * perPacket, info.retransmitted() + " retransmits in " + elapsedMs + " ms");
        assertTrue(info.retransmitted() >= 43, "each packet is resent once");
        assertEquals(sent + info.retransmitted(), transport.rtpCount());
        assertEquals(8600 - info.retransmitted(), info.retransmitsRefused(), "the rest is counted as refused");
        session.close("test");
        awaitTrue(() -> session.state() == WhepSession.State.CLOSED, "closed");
    }

    @Test
    void framesOfCodecsItCannotSendAreDroppedAndClosingReleasesTheCache() throws Exception {
        WhepSession session = session(new AtomicReference<>());
        onLoop(() -> {
            ByteBuf aac = ByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[] {1, 2, 3});
            Frame audio = new Frame(1, Codec.AAC, 0, 0, 0, Frame.KEYFRAME, 1, aac);
            framesMade.add(audio);
            session.onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x10}, 0, 0, 48_000, 2, 1L));
            session.onFrame(audio);
            session.onFrame(video(0, true, 100));
            session.onFrame(video(3000, false, 100));
        });
        session.close("viewer left");
        awaitTrue(() -> session.state() == WhepSession.State.CLOSED, "closed");
        assertEquals(0, transport.rtpCount());
        // cleanUp asserts every frame's reference was released, the cached GOP included
    }

    /** A TranscodeService that counts its leases. */
    static final class FakeTranscoder implements TranscodeService {
        final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public TranscodeLease requestOpus(String stream) {
            open.incrementAndGet();
            granted.incrementAndGet();
            AtomicBoolean closed = new AtomicBoolean();
            return new TranscodeLease() {
                public String streamName() {
                    return stream;
                }

                public int track() {
                    return TrackConfig.FIRST_DERIVED_TRACK;
                }

                public java.util.Optional<String> error() {
                    return java.util.Optional.empty();
                }

                public void close() {
                    if (closed.compareAndSet(false, true)) {
                        open.decrementAndGet();
                    }
                }
            };
        }
    }

    private Frame opus(long pts) {
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[] {(byte) 0xfc, 1, 2, 3});
        Frame f = new Frame(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, pts, pts, ingestBase + Frame.ticksToMicros(pts),
                Frame.KEYFRAME, 1, payload);
        framesMade.add(f);
        return f;
    }

    @Test
    void aacAudioIsPlayedThroughALeasedOpusRenditionThatFollowsTheTranscoderComingAndGoing() throws Exception {
        WhepSession session = session(new AtomicReference<>(), true);
        FakeTranscoder first = new FakeTranscoder();
        TrackConfig derived = new TrackConfig(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, 1, new byte[0], 0, 0, 48_000, 2, 1L);
        session.transcoderAvailable(first);
        onLoop(() -> {
            session.onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x10}, 0, 0, 44_100, 2, 1L));
            session.onTrack(derived);
            session.onConnected(transport);
            session.onFrame(video(0, true, 100));
        });
        assertEquals(1, first.open.get(), "the AAC track leased a transcode");
        int videoPackets = transport.rtpCount();
        onLoop(() -> session.onFrame(opus(1800)));
        assertEquals(videoPackets + 1, transport.rtpCount(), "the Opus rendition is sent");
        synchronized (transport) {
            assertEquals(0x2222, transport.rtp.get(videoPackets).getInt(8), "on the audio SSRC");
        }

        session.transcoderGone(first);   // the transcoder bundle stops
        onLoop(() -> {
            session.onFrame(opus(3600));
            session.onFrame(video(3000, false, 100));
        });
        assertEquals(0, first.open.get(), "its lease is closed");
        assertEquals(videoPackets + 2, transport.rtpCount(), "video plays on, no audio");

        FakeTranscoder second = new FakeTranscoder();
        session.transcoderAvailable(second);   // a new one comes
        onLoop(() -> {
            session.onTrack(derived.withVersion(2));
            session.onFrame(opus(5400));
        });
        assertEquals(1, second.open.get(), "re-leased from the new transcoder");
        assertEquals(videoPackets + 3, transport.rtpCount(), "audio resumes");

        session.close("viewer left");
        // CLOSED is set before the lease is dropped (same loop task): wait for the lease, not the state
        awaitTrue(() -> second.open.get() == 0, "the session's end to close its lease");
    }
    @Test
    void audioPayloadsGoOutByteForByteFromDirectBuffersAndHeapSlices() throws Exception {
        WhepSession session = session(new AtomicReference<>(), true);
        session.transcoderAvailable(new FakeTranscoder());
        byte[] big = new byte[900]; // larger than the session's first scratch array
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(big);
        ByteBuf heapSlice = Unpooled.wrappedBuffer(new byte[] {9, 9, 9, (byte) 0xfc, 5, 6, 7, 9}).slice(3, 4);
        ByteBuf[] payloads = {direct, heapSlice};
        onLoop(() -> {
            session.onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x10}, 0, 0, 44_100, 2, 1L));
            session.onTrack(new TrackConfig(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, 1, new byte[0], 0, 0, 48_000, 2, 1L));
            session.onConnected(transport);
            for (int i = 0; i < payloads.length; i++) {
                Frame f = new Frame(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, 1800L * i, 1800L * i,
                        ingestBase + 20_000L * i, Frame.KEYFRAME, 1, payloads[i]);
                framesMade.add(f);
                session.onFrame(f);
            }
        });
        synchronized (transport) {
            assertEquals(2, transport.rtp.size());
            byte[] first = new byte[transport.rtp.get(0).readableBytes() - RtpStream.HEADER_BYTES];
            transport.rtp.get(0).getBytes(RtpStream.HEADER_BYTES, first);
            assertArrayEquals(big, first, "a direct payload, copied through the scratch array");
            byte[] second = new byte[transport.rtp.get(1).readableBytes() - RtpStream.HEADER_BYTES];
            transport.rtp.get(1).getBytes(RtpStream.HEADER_BYTES, second);
            assertArrayEquals(new byte[] {(byte) 0xfc, 5, 6, 7}, second, "a heap slice, read at its array offset");
            assertEquals(0x2222, transport.rtp.get(1).getInt(8), "on the audio SSRC");
            assertEquals((transport.rtp.get(0).getUnsignedShort(2) + 1) & 0xFFFF, transport.rtp.get(1).getUnsignedShort(2),
                    "consecutive sequence numbers");
        }
        assertEquals(2, session.info().packetsSent());
        assertEquals(2L * RtpStream.HEADER_BYTES + big.length + 4, session.info().bytesSent());
        session.close("done");
        awaitTrue(() -> session.state() == WhepSession.State.CLOSED, "closed");
    }

    @Test
    void theAudioMarkerBitIsSetOnlyOnTheFirstPacketOfATalkspurt() throws Exception {
        WhepSession session = session(new AtomicReference<>(), true);
        session.transcoderAvailable(new FakeTranscoder());
        onLoop(() -> {
            session.onTrack(new TrackConfig(1, Codec.AAC, 1, new byte[] {0x12, 0x10}, 0, 0, 44_100, 2, 1L));
            session.onTrack(new TrackConfig(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, 1, new byte[0], 0, 0, 48_000, 2, 1L));
            session.onConnected(transport);
        });
        onLoop(() -> {
            session.onFrame(opus(0));
            session.onFrame(opus(1800));
            session.onFrame(opus(3600));
            ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[] {(byte) 0xfc, 1, 2, 3});
            Frame restart = new Frame(TrackConfig.FIRST_DERIVED_TRACK, Codec.OPUS, 90_000, 90_000, ingestBase + 1_000_000,
                    Frame.KEYFRAME | Frame.DISCONTINUITY, 1, payload);
            framesMade.add(restart);
            session.onFrame(restart);
        });
        synchronized (transport) {
            assertEquals(4, transport.rtp.size());
            boolean[] markers = new boolean[4];
            for (int i = 0; i < 4; i++) {
                markers[i] = (transport.rtp.get(i).getByte(1) & 0x80) != 0;
            }
            // RFC 7587 4.1: set on the first packet after silence (here: the session's first and a new timeline's)
            assertEquals("[true, false, false, true]", java.util.Arrays.toString(markers));
        }
        session.close("done");
        awaitTrue(() -> session.state() == WhepSession.State.CLOSED, "closed");
    }
}
