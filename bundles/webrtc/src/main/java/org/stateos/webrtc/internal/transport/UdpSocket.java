package org.stateos.webrtc.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.stateos.webrtc.internal.ice.BindingOutcome;
import org.stateos.webrtc.internal.ice.IceLiteResponder;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpException;
import org.stateos.webrtc.internal.udp.DemuxTarget;
import org.stateos.webrtc.internal.udp.SegmentSizeRefusals;
import org.stateos.webrtc.internal.udp.SegmentedSender;

/**
 * One of the UDP sockets bound to the WebRTC port (several with SO_REUSEPORT, one per event loop): its Netty
 * channel, the loop it lives on, and the sessions' output through it. Sessions are spread over the sockets when
 * they open and send only through their own socket, on its loop, so each socket's output is loop-confined.
 * Input arrives on whichever socket the kernel hashes the peer's address to; this socket answers STUN itself and
 * hands DTLS and SRTP to the session's own loop when that is another one.
 */
final class UdpSocket implements DemuxTarget {
    private final WebRtcTransportServer server;
    private final Channel channel;
    private final EventLoop loop;
    private final Sender socket;
    private final IceLiteResponder<PeerSession> responder;
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(65_536 + 64);
    private final Runnable flushTask = this::flushNow;
    final AtomicInteger sessions = new AtomicInteger();
    private boolean flushScheduled;
    /** Netty's outbound buffer holds packets: later ones queue behind them. */
    private boolean backlog;
    /** One {@code sendmsg} per burst (UDP GSO); null when off, unavailable or refused by the kernel. */
    private SegmentSender segments;
    // The open burst (this loop): protected packets in sendBuffer[0, position), all of burstSegment bytes but
    // the last, which may be shorter (then burstClosed: the next packet starts another send).
    private boolean inBurst;
    private int burstPackets;
    private int burstSegment;
    private boolean burstClosed;
    private InetSocketAddress burstTo;
    private final AtomicLong segmentedCalls = new AtomicLong();
    private final AtomicLong segmentedDatagrams = new AtomicLong();
    private final AtomicLong segmentsAboveMtu = new AtomicLong();
    /** Destinations whose segments were above the path's MTU lately: their bursts skip the segmented call. */
    private final SegmentSizeRefusals segmentsTooLarge = new SegmentSizeRefusals(TimeUnit.SECONDS.toNanos(60));

    /** The direct send path: the JDK channel's {@code send} (a seam so a test can make the socket buffer full). */
    @FunctionalInterface
    interface Sender {
        int send(ByteBuffer datagram, InetSocketAddress to) throws IOException;
    }

    /** One call for a burst of equal-sized datagrams: {@link SegmentedSender#send} (a seam for tests). */
    @FunctionalInterface
    interface SegmentSender {
        int send(ByteBuffer datagrams, int segmentBytes, InetSocketAddress to) throws IOException;
    }

    UdpSocket(WebRtcTransportServer server, Channel channel, DatagramChannel socket, SegmentSender segments) {
        this(server, channel, socket::send, segments);
    }

    UdpSocket(WebRtcTransportServer server, Channel channel, Sender socket) {
        this(server, channel, socket, null);
    }

    UdpSocket(WebRtcTransportServer server, Channel channel, Sender socket, SegmentSender segments) {
        this.server = server;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.socket = socket;
        this.segments = segments;
        this.responder = new IceLiteResponder<>(server::sessionByUfrag, PeerSession::credentials);
    }

    Channel channel() {
        return channel;
    }

    EventLoop loop() {
        return loop;
    }

    // ------------------------------------------------------------------ input (this socket's loop)

    @Override
    public void onStun(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender) {
        BindingOutcome<PeerSession> outcome = responder.answer(content, sender, ctx.alloc());
        if (outcome.response() != null) {
            writeAndFlush(outcome.response(), sender);
        }
        if (outcome.valid()) {
            PeerSession s = outcome.session();
            boolean nominate = outcome.nominate();
            s.onLoop(() -> s.onValidCheck(sender, nominate));
        } else if (outcome.dropReason() != null) {
            server.dropped(outcome.dropReason(), sender);
        }
    }

    @Override
    public void onDtls(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender) {
        PeerSession s = server.sessionByAddress(sender);
        if (s == null) {
            server.dropped("DTLS from an address no ICE check validated", sender);
            return;
        }
        byte[] datagram = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), datagram);
        s.onLoop(() -> s.onDtls(datagram, sender));
    }

    @Override
    public void onSrtp(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender, boolean rtcp) {
        PeerSession s = server.sessionByAddress(sender);
        if (s == null) {
            server.dropped("SRTP from an address no ICE check validated", sender);
            return;
        }
        if (s.eventLoop().inEventLoop()) {
            s.onSrtp(content, sender, rtcp);
            return;
        }
        ByteBuf own = content.retainedDuplicate(); // the demultiplexer releases its reference when we return
        try {
            s.eventLoop().execute(() -> {
                try {
                    s.onSrtp(own, sender, rtcp);
                } finally {
                    own.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            own.release();
        }
    }

    @Override
    public void onUnknown(ByteBuf content, InetSocketAddress sender) {
        server.dropped("first byte " + (content.isReadable() ? content.getUnsignedByte(content.readerIndex()) : -1)
                + " is neither STUN, DTLS nor RTP (RFC 7983)", sender);
    }

    // ------------------------------------------------------------------ output

    /** The channel's allocator, for protected packets written to it. */
    io.netty.buffer.ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /** Writes one datagram now (STUN answers, DTLS flights); any thread. */
    void writeAndFlush(ByteBuf content, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(content, to), channel.voidPromise());
    }

    /**
     * Writes one protected datagram (this loop); the flush follows once the tasks queued now have run, so a burst
     * of packets costs one flush.
     */
    void write(ByteBuf content, InetSocketAddress to) {
        channel.write(new DatagramPacket(content, to), channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    /**
     * Protects {@code header + payload} with {@code sender} and sends it now with one {@code sendto} on this
     * socket (this loop): no pooled buffer, no Netty outbound entry, no flush per packet. Inside a burst
     * ({@link #beginBurst}) it is only protected into the send buffer, behind the burst's earlier packets, and
     * leaves with them in one {@code sendmsg} at {@link #endBurst}. When the socket's send buffer is full (or
     * Netty still holds earlier packets) the packet goes through Netty's outbound buffer instead, which waits for
     * the socket, and so do the packets after it until that buffer is empty (order kept). That buffer is bounded
     * by the channel's write watermark: while it is above it (the socket stays full: the link is overloaded)
     * packets are dropped and counted, as late media is worth nothing and memory must not grow.
     *
     * @return the protected length (sent, queued or in the burst), 0 when the packet was dropped now
     */
    int sendRtp(SrtpContext sender, byte[] header, byte[] payload, int offset, int length, InetSocketAddress to) {
        if (inBurst) {
            return addToBurst(sender, header, payload, offset, length, to);
        }
        ByteBuffer b = sendBuffer;
        b.clear();
        int n;
        try {
            n = sender.protectRtp(header, payload, offset, length, b);
        } catch (SrtpException e) {
            server.dropped("cannot protect outgoing RTP: " + e.getMessage(), to);
            return 0;
        }
        b.flip();
        return sendOne(b, to) ? n : 0;
    }

    /**
     * Starts a burst (this loop): the RTP packets sent until {@link #endBurst} go to one destination and may
     * leave in one system call. No-op without segmented sends.
     */
    void beginBurst() {
        inBurst = segments != null;
    }

    /** Sends what the burst holds (this loop). */
    void endBurst() {
        inBurst = false;
        flushBurst();
    }

    /**
     * Since the socket opened: segmented calls, the datagrams they carried, and the bursts sent one datagram per
     * call because their segments were above the path's MTU.
     */
    record SegmentedSends(long calls, long datagrams, long aboveMtu) {
    }

    SegmentedSends segmentedSends() {
        return new SegmentedSends(segmentedCalls.get(), segmentedDatagrams.get(), segmentsAboveMtu.get());
    }

    boolean segmentedSendsOn() {
        return segments != null;
    }

    private int addToBurst(SrtpContext sender, byte[] header, byte[] payload, int offset, int length,
            InetSocketAddress to) {
        int most = header.length + length + PeerTransport.SRTP_TRAILER_BYTES;
        ByteBuffer b = sendBuffer;
        if (burstPackets > 0 && (burstClosed || burstPackets == SegmentedSender.MAX_SEGMENTS
                || b.position() + most > SegmentedSender.MAX_BYTES || !to.equals(burstTo))) {
            flushBurst();
        }
        if (burstPackets == 0) {
            b.clear();
        }
        int start = b.position();
        int n;
        try {
            n = sender.protectRtp(header, payload, offset, length, b);
        } catch (SrtpException e) {
            b.position(start);
            server.dropped("cannot protect outgoing RTP: " + e.getMessage(), to);
            return 0;
        }
        if (burstPackets == 0) {
            burstSegment = n;
            burstTo = to;
        } else if (n > burstSegment) {
            // Longer than the segments before it: they leave now and this packet starts the next burst.
            b.limit(start + n);
            ByteBuffer earlier = b.duplicate().position(0).limit(start);
            sendBurst(earlier, burstPackets, burstSegment, burstTo);
            b.position(start);
            b.compact(); // the packet moves to the front; position = n
            burstPackets = 0;
            burstClosed = false;
            burstSegment = n;
            burstTo = to;
        } else if (n < burstSegment) {
            burstClosed = true;
        }
        burstPackets++;
        return n;
    }

    private void flushBurst() {
        if (burstPackets == 0) {
            return;
        }
        ByteBuffer b = sendBuffer;
        b.flip();
        int count = burstPackets;
        InetSocketAddress to = burstTo;
        burstPackets = 0;
        burstClosed = false;
        burstTo = null;
        sendBurst(b, count, burstSegment, to);
        b.clear();
    }

    /** Sends {@code count} datagrams of {@code segment} bytes (the last may be shorter) in {@code b}. */
    private void sendBurst(ByteBuffer b, int count, int segment, InetSocketAddress to) {
        SegmentSender s = segments;
        if (count == 1 || s == null || backlog) {
            sendEach(b, segment, to);
            return;
        }
        if (segmentsTooLarge.refuses(to, segment)) { // refused lately: the call would fail again
            segmentsAboveMtu.lazySet(segmentsAboveMtu.get() + 1);
            sendEach(b, segment, to);
            return;
        }
        try {
            if (s.send(b, segment, to) > 0) {
                segmentedCalls.lazySet(segmentedCalls.get() + 1);
                segmentedDatagrams.lazySet(segmentedDatagrams.get() + count);
                return;
            }
            backlog = true; // socket buffer full: Netty's outbound buffer waits for it (OP_WRITE)
        } catch (SegmentedSender.SegmentationRefused e) {
            segments = null;
            server.segmentationRefused(e.getMessage());
        } catch (SegmentedSender.SegmentAboveMtu e) {
            segmentsTooLarge.refused(to, segment); // this path only: the datagrams go one by one
            segmentsAboveMtu.lazySet(segmentsAboveMtu.get() + 1);
        } catch (IOException e) {
            server.dropped("UDP send failed: " + e.getMessage() + " (" + count + " packets)", to);
            return;
        }
        sendEach(b, segment, to);
    }

    private void sendEach(ByteBuffer b, int segment, InetSocketAddress to) {
        ByteBuffer one = b.duplicate();
        for (int at = b.position(); at < b.limit(); at += segment) {
            one.limit(Math.min(at + segment, b.limit())).position(at);
            sendOne(one, to);
        }
    }

    /** Sends one protected datagram {@code b[position, limit)} now or queues a copy; false when dropped. */
    private boolean sendOne(ByteBuffer b, InetSocketAddress to) {
        if (!backlog) {
            try {
                if (socket.send(b, to) > 0) {
                    return true;
                }
            } catch (IOException e) {
                server.dropped("UDP send failed: " + e.getMessage(), to);
                return false;
            }
            backlog = true; // socket buffer full: Netty's outbound buffer waits for it (OP_WRITE)
        } else if (!channel.isWritable()) {
            server.dropped("UDP send buffer full and " + channel.config().getWriteBufferHighWaterMark()
                    + " bytes already queued: packet dropped", to);
            return false;
        }
        ByteBuf copy = channel.alloc().directBuffer(b.remaining());
        copy.writeBytes(b);
        write(copy, to);
        return true;
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
        if (backlog) {
            ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
            backlog = pending != null && !pending.isEmpty();
        }
    }
}
