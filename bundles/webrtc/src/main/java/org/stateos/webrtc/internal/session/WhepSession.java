package org.stateos.webrtc.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaKind;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;
import org.stateos.api.media.TranscodeLease;
import org.stateos.api.media.TranscodeService;
import org.stateos.webrtc.internal.rtcp.RtcpException;
import org.stateos.webrtc.internal.rtcp.RtcpPacket;
import org.stateos.webrtc.internal.rtcp.RtcpParser;
import org.stateos.webrtc.internal.rtcp.RtcpWriter;
import org.stateos.webrtc.internal.rtp.AvcDecoderConfig;
import org.stateos.webrtc.internal.rtp.H264Packetizer;
import org.stateos.webrtc.internal.rtp.PacketizedFrame;
import org.stateos.webrtc.internal.rtp.RetransmitBudget;
import org.stateos.webrtc.internal.rtp.RetransmitBuffer;
import org.stateos.webrtc.internal.rtp.RtpStream;
import org.stateos.webrtc.internal.sdp.Negotiation;
import org.stateos.webrtc.internal.transport.PeerTransport;
import org.stateos.webrtc.internal.transport.TransportListener;

/**
 * One WHEP viewer: subscribed to a stream, sending it over one {@link PeerTransport}.
 *
 * <p>States: {@link State#CONNECTING} (answer sent; ICE and DTLS under way; the frames from the latest keyframe
 * are kept) → {@link State#CONNECTED} (the kept frames go out first, re-timed so the browser shows them at once and
 * lands at live latency, then live frames as they come) → {@link State#CLOSED} (subscription closed, transport
 * closed, every buffer released). Everything runs on the transport's event loop (the subscription's executor too),
 * so the session needs no locks; {@link #close(String)} may be called from any thread.
 *
 * <p>Keyframe requests (PLI, FIR): an RTMP publisher cannot be asked for a keyframe, so the session stops sending
 * video until the next keyframe of the live stream arrives. NACKs are answered from a retransmit buffer with the
 * same packet (no RTX).
 *
 * <p>Audio: the stream's first audio track if it is Opus; if it is AAC, the Opus rendition a
 * {@link TranscodeService} publishes as a derived track, for which the session holds a lease while it lives. The
 * transcoder may come and go (a bundle swap): the lease is dropped when it goes, video plays on, and a new lease is
 * taken when one comes back.
 */
public final class WhepSession implements StreamSubscriber, TransportListener {
    private static final Logger LOG = LoggerFactory.getLogger(WhepSession.class);

    /** RTP time between re-timed start-up frames: 1 ms, so a whole GOP is shown in a blink. */
    static final int CATCH_UP_STEP_TICKS = 90;

    public enum State { CONNECTING, CONNECTED, CLOSED }

    /** A frame waiting to be sent; {@code catchUp} frames were cached before connecting and are re-timed. */
    private record Pending(Frame frame, boolean catchUp) {
    }

    private final String id;
    private final String streamName;
    private final Negotiation negotiation;
    private final SessionSettings settings;
    private final ByteBufAllocator alloc;
    private final String cname;
    private final RtpStream video;
    private final RtpStream audio; // null when audio is not sent
    private final SharedPayloads payloads;
    /** The header of the packet being sent (loop-confined scratch). */
    private final byte[] header = new byte[RtpStream.HEADER_BYTES];
    /** Where a direct (off-heap) audio payload is copied to be sent (loop-confined). */
    private byte[] audioScratch = new byte[512];
    private final RetransmitBuffer videoRetransmits; // null when the peer did not offer nack
    private final RetransmitBudget retransmitBudget;
    private long nextNackStormLogNanos;
    private final Consumer<WhepSession> onClosed;
    private final Instant started = Instant.now();

    private volatile PeerTransport transport;
    private volatile InetAddress client;
    private volatile org.stateos.webrtc.internal.metrics.ServerLatency latency;
    private volatile Subscription subscription;
    private volatile State state = State.CONNECTING;
    private volatile String closeReason;

    // Loop-confined state
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int cachedVideoFrames;
    private int videoTrack = -1;
    private int audioTrack = -1;
    private TrackConfig videoConfig;
    private AvcDecoderConfig avc;
    private Codec audioCodec;
    private int sourceAudioTrack = -1;
    private Codec sourceAudioCodec;
    private TranscodeService transcoder;
    private TranscodeLease lease;
    private boolean waitingForKeyframe = true;
    private ScheduledFuture<?> reportTimer;
    private ScheduledFuture<?> connectTimer;
    private boolean drainScheduled;
    private int catchUpRemaining;
    private long catchUpEndPts;
    private boolean audioTalkspurt = true; // RTP marker: first audio packet, and the first after a discontinuity

    // Counters: written on the loop, read by the shell. packetsSent/bytesSent through count(): release stores
    private volatile long packetsSent;
    private volatile long bytesSent;
    private static final java.lang.invoke.VarHandle PACKETS_SENT;
    private static final java.lang.invoke.VarHandle BYTES_SENT;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            PACKETS_SENT = l.findVarHandle(WhepSession.class, "packetsSent", long.class);
            BYTES_SENT = l.findVarHandle(WhepSession.class, "bytesSent", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long nacksReceived;
    private volatile long retransmitted;
    private volatile long retransmitsRefused;
    private volatile long keyframeRequests;
    private volatile long framesSent;
    private volatile long framesDropped;
    private volatile long rtcpErrors;

    /**
     * @param ssrcSeed four random ints: video SSRC, audio SSRC, initial sequence number, initial timestamp
     * @param onClosed told once, on the loop, when the session has ended and released everything
     */
    public WhepSession(String id, String streamName, Negotiation negotiation, SessionSettings settings,
            ByteBufAllocator alloc, String cname, int[] ssrcSeed, Consumer<WhepSession> onClosed) {
        this(id, streamName, negotiation, settings, alloc, cname, ssrcSeed, new SharedPayloads(), onClosed);
    }

    /** @param payloads where the viewers of the node share each frame's packetization */
    public WhepSession(String id, String streamName, Negotiation negotiation, SessionSettings settings,
            ByteBufAllocator alloc, String cname, int[] ssrcSeed, SharedPayloads payloads, Consumer<WhepSession> onClosed) {
        this.payloads = payloads;
        new H264Packetizer(settings.maxPayload()); // checks the payload limit now rather than at the first frame
        this.id = id;
        this.streamName = streamName;
        this.negotiation = negotiation;
        this.settings = settings;
        this.alloc = alloc;
        this.cname = cname;
        this.onClosed = onClosed;
        // Initial sequence numbers in the lower half (as libwebrtc does): a receiver that misses the first packets
        // (its SRTP keys not installed yet) must not see the sequence wrap before its first packet, or it starts
        // with rollover counter 0 against our 1 and never authenticates a packet again (RFC 3711 3.3.1). The likely
        // cause of 1 load-client viewer in 50 failing every packet after a good DTLS handshake.
        this.video = new RtpStream(ssrcSeed[0], negotiation.videoPayloadType(), Frame.TIMEBASE, ssrcSeed[2] & 0x7fff,
                ssrcSeed[3]);
        this.audio = negotiation.sendsAudio()
                ? new RtpStream(ssrcSeed[1], negotiation.audioPayloadType(), 48_000, (ssrcSeed[2] >>> 16) & 0x7fff, ssrcSeed[3] >>> 1)
                : null;
        boolean nack = negotiation.videoFeedback().stream().anyMatch(f -> f.type().equals("nack") && f.parameter() == null);
        this.videoRetransmits = nack ? new RetransmitBuffer(settings.nackBufferPackets(), settings.nackMaxAgeMs()) : null;
        this.retransmitBudget = new RetransmitBudget(settings.nackMaxRetransmitsPerSecond());
        this.nextNackStormLogNanos = System.nanoTime();
    }

    public String id() {
        return id;
    }

    public String streamName() {
        return streamName;
    }

    public State state() {
        return state;
    }

    public Negotiation negotiation() {
        return negotiation;
    }

    public int videoSsrc() {
        return video.ssrc();
    }

    public int audioSsrc() {
        return audio == null ? 0 : audio.ssrc();
    }

    public String cname() {
        return cname;
    }

    /** The HTTP client that made the offer (null: unknown); the registry limits offers per address with it. */
    void client(InetAddress address) {
        this.client = address;
    }

    InetAddress client() {
        return client;
    }

    /** Binds the transport {@code open} returned; starts the connect timeout. Call before subscribing. */
    public void attach(PeerTransport t) {
        this.transport = t;
        run(() -> {
            if (state == State.CONNECTING) {
                connectTimer = t.eventLoop().schedule(() -> close("ICE/DTLS did not connect within "
                        + settings.connectTimeoutSeconds() + " s"), settings.connectTimeoutSeconds(), TimeUnit.SECONDS);
            }
        });
    }

    /** Binds the media subscription; closes it at once if the session already ended. */
    public void subscribed(Subscription s) {
        this.subscription = s;
        if (state == State.CLOSED) {
            s.close();
        }
    }

    // ---- media side -------------------------------------------------------------------------------------------

    @Override
    public void onTrack(TrackConfig config) {
        if (config.kind() == MediaKind.VIDEO && (videoTrack < 0 || videoTrack == config.track())) {
            boolean changed = videoConfig == null || !videoConfig.sameSetup(config);
            videoTrack = config.track();
            videoConfig = config;
            if (changed) {
                avc = null;
                waitingForKeyframe = true;
                if (config.codec() == Codec.H264) {
                    try {
                        avc = AvcDecoderConfig.parse(config.config());
                    } catch (IllegalArgumentException e) {
                        LOG.warn("WHEP session {} ({}): unusable H264 configuration, video paused until a valid one: {}",
                                id, streamName, e.getMessage());
                    }
                } else {
                    LOG.info("WHEP session {} ({}): video track is {}, which WebRTC cannot play without transcoding; "
                            + "its frames are dropped", id, streamName, config.codec());
                }
            }
        } else if (config.kind() == MediaKind.AUDIO && config.derived()) {
            if (lease != null && config.track() == lease.track() && config.codec() == Codec.OPUS) {
                audioTrack = config.track();   // the transcoder's Opus rendition of the source track
                audioCodec = Codec.OPUS;
            }
        } else if (config.kind() == MediaKind.AUDIO && (sourceAudioTrack < 0 || sourceAudioTrack == config.track())) {
            sourceAudioTrack = config.track();
            sourceAudioCodec = config.codec();
            if (config.codec() == Codec.AAC) {
                requestTranscode();
            } else {
                audioTrack = config.track();
                audioCodec = config.codec();
            }
        }
    }

    // ---- transcoding (on the loop) ----------------------------------------------------------------------------

    /** A transcoder is there (now or from the start): lease the Opus rendition if the source audio needs it. */
    public void transcoderAvailable(TranscodeService service) {
        run(() -> {
            transcoder = service;
            if (sourceAudioCodec == Codec.AAC) {
                requestTranscode();
            }
        });
    }

    /** The transcoder went away (bundle stop or swap): drop its lease; video plays on; audio waits for the next one. */
    public void transcoderGone(TranscodeService service) {
        run(() -> {
            if (transcoder != service) {
                return;
            }
            transcoder = null;
            dropLease();
        });
    }

    private void requestTranscode() {
        if (lease != null || transcoder == null || audio == null || state == State.CLOSED) {
            return;
        }
        try {
            lease = transcoder.requestOpus(streamName);
            LOG.info("WHEP session {} ({}): AAC audio is played through the transcoder (Opus on track {})", id,
                    streamName, lease.track());
        } catch (StreamNotFoundException | RuntimeException e) {
            LOG.warn("WHEP session {} ({}): no transcode for the AAC audio, video plays without sound: {}", id,
                    streamName, e.getMessage());
        }
    }

    private void dropLease() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
        if (audioTrack >= TrackConfig.FIRST_DERIVED_TRACK) {
            audioTrack = -1;
            audioCodec = null;
        }
    }

    @Override
    public void onFrame(Frame frame) {
        try {
            if (state == State.CLOSED) {
                return;
            }
            if (frame.track() == videoTrack) {
                if (frame.codec() != Codec.H264 || avc == null) {
                    framesDropped++;
                    return;
                }
                if (state == State.CONNECTING) {
                    cacheWhileConnecting(frame);
                    return;
                }
            } else if (frame.track() == audioTrack) {
                if (audio == null || frame.codec() != Codec.OPUS || state == State.CONNECTING) {
                    // audio from before the connection is stale by the time it could play; AAC needs transcoding
                    framesDropped++;
                    return;
                }
            } else {
                framesDropped++;
                return;
            }
            if (!queue.isEmpty()) {
                queue.add(new Pending(frame.retainedDuplicate(), false));
                return;
            }
            send(frame, false, 0);
        } finally {
            frame.release();
        }
    }

    /** Keeps the frames from the latest keyframe on (at most the configured number) until the transport connects. */
    private void cacheWhileConnecting(Frame frame) {
        if (frame.isKeyframe()) {
            releaseQueue();
        } else if (queue.isEmpty() || cachedVideoFrames >= settings.gopCacheFrames()) {
            if (!queue.isEmpty()) {
                releaseQueue(); // a GOP longer than the cache: start at the next keyframe instead
            }
            framesDropped++;
            return;
        }
        queue.add(new Pending(frame.retainedDuplicate(), true));
        cachedVideoFrames++;
    }

    @Override
    public void onPublisherGone() {
        LOG.debug("WHEP session {} ({}): publisher gone, waiting for the next one", id, streamName);
    }

    @Override
    public void onEnd(String reason) {
        close("stream ended: " + reason);
    }

    // ---- transport side ---------------------------------------------------------------------------------------

    @Override
    public void onConnected(PeerTransport t) {
        if (state != State.CONNECTING) {
            return;
        }
        state = State.CONNECTED;
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        LOG.info("WHEP session {} ({}): connected to {}", id, streamName, t.remoteAddress());
        retimeCatchUp();
        long interval = settings.senderReportIntervalMs();
        reportTimer = t.eventLoop().scheduleAtFixedRate(this::sendReports, interval, interval, TimeUnit.MILLISECONDS);
        drain();
    }

    @Override
    public void onRtcp(ByteBuf plainRtcp) {
        if (state != State.CONNECTED) {
            return;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpParser.parse(plainRtcp);
        } catch (RtcpException e) {
            rtcpErrors++;
            LOG.debug("WHEP session {}: malformed RTCP ignored: {}", id, e.getMessage());
            return;
        }
        for (RtcpPacket p : packets) {
            if (p instanceof RtcpPacket.Nack n && n.mediaSsrc() == video.ssrc()) {
                answerNack(n);
            } else if (p instanceof RtcpPacket.Pli pli && pli.mediaSsrc() == video.ssrc()) {
                requestKeyframe();
            } else if (p instanceof RtcpPacket.Fir fir && fir.entries().stream().anyMatch(e -> e.ssrc() == video.ssrc())) {
                requestKeyframe();
            }
        }
    }

    @Override
    public void onClosed(String reason) {
        close("transport closed: " + reason);
    }

    private void answerNack(RtcpPacket.Nack n) {
        nacksReceived += n.lost().size();
        if (videoRetransmits == null) {
            return;
        }
        long now = System.nanoTime();
        PeerTransport t = transport;
        long refused = 0;
        for (int seq : n.lost()) {
            RetransmitBuffer.Entry e = videoRetransmits.get(seq, now);
            if (e == null) {
                continue;
            }
            if (videoRetransmits.resentRecently(seq, now) || !retransmitBudget.take(now)) {
                refused++; // asked again within the gap, or over the budget: a NACK must not be an amplifier
            } else {
                videoRetransmits.resent(seq, now);
                // the same packet again (same sequence number and timestamp), protected again: no RTX
                RtpStream.writeHeader(header, video.payloadType(), e.marker(), e.sequence(), e.timestamp(), video.ssrc());
                int length = e.frame().length(e.packet());
                retransmitted++;
                count(1, RtpStream.HEADER_BYTES + length);
                t.sendRtp(header, e.frame().data(), e.frame().offset(e.packet()), length);
            }
        }
        if (refused > 0) {
            retransmitsRefused += refused;
            if (now - nextNackStormLogNanos >= 0) {
                nextNackStormLogNanos = now + TimeUnit.SECONDS.toNanos(10);
                LOG.warn("WHEP session {} ({}): NACK storm from {}: {} retransmits refused so far (a packet at most once "
                        + "per {} ms, at most {} a second)", id, streamName, t.remoteAddress(), retransmitsRefused,
                        RetransmitBuffer.MIN_RESEND_GAP_MS, settings.nackMaxRetransmitsPerSecond());
            }
        }
    }

    private void requestKeyframe() {
        keyframeRequests++;
        // An RTMP publisher cannot be asked for one: skip to the next keyframe of the live stream.
        waitingForKeyframe = true;
    }

    // ---- sending ----------------------------------------------------------------------------------------------

    /**
     * Notes where the frames cached before connecting end: they get RTP times 1 ms apart that end at the newest
     * one's real time, so the browser decodes the whole GOP at once and shows the newest picture at live latency.
     */
    private void retimeCatchUp() {
        catchUpRemaining = 0;
        for (Pending p : queue) {
            if (p.catchUp()) {
                catchUpRemaining++;
                catchUpEndPts = p.frame().pts();
            }
        }
        cachedVideoFrames = 0;
    }

    /** Sends queued frames, at most the catch-up budget of packets per millisecond, then yields. */
    private void drain() {
        drainScheduled = false;
        if (state != State.CONNECTED) {
            return;
        }
        int budget = settings.catchUpPacketsPerMs();
        long sentBefore = packetsSent;
        while (!queue.isEmpty() && packetsSent - sentBefore < budget) {
            Pending p = queue.poll();
            try {
                if (p.catchUp()) {
                    catchUpRemaining--;
                    send(p.frame(), true, catchUpRemaining);
                } else {
                    send(p.frame(), false, 0);
                }
            } finally {
                p.frame().release();
            }
        }
        if (!queue.isEmpty() && !drainScheduled) {
            drainScheduled = true;
            transport.eventLoop().schedule(this::drain, 1, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Packetizes and sends one frame. A {@code catchUp} frame followed by {@code remaining} more is re-timed to
     * {@code remaining} steps before the newest catch-up frame's own RTP time.
     */
    private void send(Frame frame, boolean catchUp, int remaining) {
        long presentationMicros = frame.ingestMicros() + Frame.ticksToMicros(frame.compositionOffset());
        if (frame.track() == audioTrack) {
            int ts = audio.timestamp(frame.pts(), frame.isDiscontinuity(), presentationMicros);
            audio.mapping(ts, presentationMicros);
            ByteBuf payload = frame.payload();
            if (payload.readableBytes() == 0 || payload.readableBytes() > settings.maxPayload()) {
                framesDropped++;
                return;
            }
            // RFC 7587: the marker only on the first packet of a talkspurt, not on every packet
            int length = payload.readableBytes();
            audio.nextHeader(header, length, audioTalkspurt || frame.isDiscontinuity(), ts);
            audioTalkspurt = false;
            // The same direct path as video (protected straight into the socket's send buffer): no pooled packet,
            // no Netty write and flush per viewer per audio frame. A heap payload is used in place, else copied
            // into a scratch array (an Opus frame is a few hundred bytes).
            byte[] data;
            int offset;
            if (payload.hasArray()) {
                data = payload.array();
                offset = payload.arrayOffset() + payload.readerIndex();
            } else {
                if (audioScratch.length < length) {
                    audioScratch = new byte[Math.max(length, 2 * audioScratch.length)];
                }
                payload.getBytes(payload.readerIndex(), audioScratch, 0, length);
                data = audioScratch;
                offset = 0;
            }
            framesSent++;
            count(1, RtpStream.HEADER_BYTES + length);
            transport.sendRtp(header, data, offset, length);
            return;
        }
        if (waitingForKeyframe && !frame.isKeyframe()) {
            framesDropped++;
            return;
        }
        int natural = video.timestamp(frame.pts(), frame.isDiscontinuity(), presentationMicros);
        int ts = natural;
        if (catchUp && remaining > 0) {
            // Re-timed start-up frame: the newest cached frame keeps its own time; the ones before it are 1 ms apart.
            ts = natural + (int) (catchUpEndPts - frame.pts()) - remaining * CATCH_UP_STEP_TICKS;
        }
        AvcDecoderConfig config = avc;
        PacketizedFrame packets;
        try {
            packets = payloads.payloads(streamName, frame, config.nalLengthSize(),
                    frame.isKeyframe() ? config.parameterSets() : List.of(), settings.maxPayload());
        } catch (IllegalArgumentException e) {
            framesDropped++;
            waitingForKeyframe = true;
            LOG.debug("WHEP session {}: malformed H264 access unit dropped: {}", id, e.getMessage());
            return;
        }
        transmit(packets, ts);
        if (frame.isKeyframe()) {
            waitingForKeyframe = false;
        }
        if (ts == natural) {
            video.mapping(ts, presentationMicros);
        }
        framesSent++;
        if (!catchUp && latency != null) {
            latency.frameSent(frame.ingestMicros()); // every packet of the frame is protected and written by now
        }
    }

    /**
     * Sends the shared payloads of one frame with this viewer's headers; the NACK buffer keeps a reference to
     * them, not a copy.
     */
    private void transmit(PacketizedFrame packets, int ts) {
        PeerTransport t = transport;
        long now = videoRetransmits == null ? 0 : System.nanoTime();
        byte[] data = packets.data();
        long bytes = 0;
        t.beginBurst(); // the frame's packets to this viewer leave in one sendmsg where the kernel can segment
        try {
            for (int i = 0; i < packets.count(); i++) {
                int length = packets.length(i);
                int seq = video.nextHeader(header, length, packets.marker(i), ts);
                bytes += RtpStream.HEADER_BYTES + length;
                t.sendRtp(header, data, packets.offset(i), length);
                if (videoRetransmits != null) {
                    videoRetransmits.store(seq, packets, i, ts, now);
                }
            }
        } finally {
            t.endBurst();
        }
        count(packets.count(), bytes);
    }

    /**
     * Adds to the shell's counters once per frame with release stores: they are written only on the loop, so a
     * read-add-store is safe, and a release store (a plain store on x86) costs no fence per packet as volatile
     * writes did; {@link #info()} reads them with volatile loads.
     */
    private void count(long packets, long bytes) {
        PACKETS_SENT.setRelease(this, (long) PACKETS_SENT.get(this) + packets);
        BYTES_SENT.setRelease(this, (long) BYTES_SENT.get(this) + bytes);
    }

    /**
     * One compound RTCP packet (SR + SDES CNAME) per SSRC that has sent media. The SR's NTP time is the ingest
     * wall clock and its RTP time the matching instant on the stream's RTP clock, so a receiver maps every frame
     * to the moment it entered this node (latency readout, A/V sync).
     */
    void sendReports() {
        if (state != State.CONNECTED) {
            return;
        }
        long nowMicros = Math.multiplyExact(System.currentTimeMillis(), 1000L);
        report(video, nowMicros);
        if (audio != null) {
            report(audio, nowMicros);
        }
    }

    private void report(RtpStream s, long nowMicros) {
        if (s.packets() == 0 || !s.hasMapping()) {
            return;
        }
        ByteBuf rtcp = alloc.buffer(RtcpWriter.SR_BYTES + RtcpWriter.sdesBytes(cname) + PeerTransport.SRTP_TRAILER_BYTES);
        RtcpWriter.senderReport(rtcp, s.ssrc(), RtcpWriter.ntp(nowMicros), s.timestampAt(nowMicros), s.packets(), s.octets());
        RtcpWriter.sdesCname(rtcp, s.ssrc(), cname);
        transport.sendRtcp(rtcp);
    }

    /**
     * The video clock mapping a sender report would carry now, for players whose browser does not expose the
     * sender-report mapping per frame (Chromium's estimatedPlayoutTimestamp is empty for video): the RTP
     * timestamp that corresponds to {@code wallMillis} on the ingest wall clock. Completes on the session's loop;
     * empty before the first video packet.
     */
    public java.util.concurrent.CompletionStage<java.util.Optional<long[]>> videoClock() {
        java.util.concurrent.CompletableFuture<java.util.Optional<long[]>> result = new java.util.concurrent.CompletableFuture<>();
        run(() -> {
            if (video.packets() == 0 || !video.hasMapping()) {
                result.complete(java.util.Optional.empty());
                return;
            }
            long nowMillis = System.currentTimeMillis();
            result.complete(java.util.Optional.of(new long[] {video.timestampAt(nowMillis * 1000L) & 0xFFFF_FFFFL, nowMillis}));
        });
        return result;
    }

    // ---- ending -----------------------------------------------------------------------------------------------

    /** Ends the session (idempotent, any thread): closes the subscription and the transport, releases buffers. */
    public void close(String reason) {
        run(() -> closeNow(reason));
    }

    private void run(Runnable task) {
        PeerTransport t = transport;
        if (t == null || t.eventLoop().inEventLoop()) {
            task.run();
            return;
        }
        try {
            t.eventLoop().execute(task);
        } catch (RejectedExecutionException stopped) {
            task.run(); // the loop is shutting down (bundle stop): nothing else runs there any more
        }
    }

    private void closeNow(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeReason = reason;
        LOG.info("WHEP session {} ({}) closed: {}", id, streamName, reason);
        if (reportTimer != null) {
            reportTimer.cancel(false);
        }
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        releaseQueue();
        dropLease();
        if (videoRetransmits != null) {
            videoRetransmits.close();
        }
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        PeerTransport t = transport;
        if (t != null) {
            t.close();
        }
        onClosed.accept(this);
    }

    private void releaseQueue() {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.frame().release();
        }
        cachedVideoFrames = 0;
    }

    // ---- for the shell ----------------------------------------------------------------------------------------

    /** A snapshot for webrtc:sessions. */
    public record Info(String id, String stream, String remote, State state, String profile, boolean audio,
            long packetsSent, long bytesSent, long nacks, long retransmitted, long retransmitsRefused,
            long keyframeRequests, long framesSent, long framesDropped, Instant started, String closeReason) {
    }

    public Info info() {
        PeerTransport t = transport;
        InetSocketAddress remote = t == null ? null : t.remoteAddress();
        return new Info(id, streamName, remote == null ? "-" : remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                state, negotiation.videoProfile().name() + " " + negotiation.videoProfile(), audio != null, packetsSent,
                bytesSent, nacksReceived, retransmitted, retransmitsRefused, keyframeRequests, framesSent, framesDropped,
                started, closeReason);
    }

    /** Where the send path records server-added latency per video frame (set once, before media flows). */
    public void recordLatencyInto(org.stateos.webrtc.internal.metrics.ServerLatency l) {
        this.latency = l;
    }

    long rtcpErrors() {
        return rtcpErrors;
    }
}
