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
import java.util.concurrent.atomic.AtomicInteger;
import org.stateos.webrtc.internal.ice.BindingOutcome;
import org.stateos.webrtc.internal.ice.IceLiteResponder;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpException;
import org.stateos.webrtc.internal.udp.DemuxTarget;

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

    /** The direct send path: the JDK channel's {@code send} (a seam so a test can make the socket buffer full). */
    @FunctionalInterface
    interface Sender {
        int send(ByteBuffer datagram, InetSocketAddress to) throws IOException;
    }

    UdpSocket(WebRtcTransportServer server, Channel channel, DatagramChannel socket) {
        this(server, channel, socket::send);
    }

    UdpSocket(WebRtcTransportServer server, Channel channel, Sender socket) {
        this.server = server;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.socket = socket;
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
     * socket (this loop): no pooled buffer, no Netty outbound entry, no flush per packet. When the socket's send
     * buffer is full (or Netty still holds earlier packets) the packet goes through Netty's outbound buffer
     * instead, which waits for the socket, and so do the packets after it until that buffer is empty (order kept).
     * That buffer is bounded by the channel's write watermark: while it is above it (the socket stays full: the
     * link is overloaded) packets are dropped and counted, as late media is worth nothing and memory must not grow.
     *
     * @return the protected length, 0 when the packet was dropped
     */
    int sendRtp(SrtpContext sender, byte[] header, byte[] payload, int offset, int length, InetSocketAddress to) {
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
        if (!backlog) {
            try {
                if (socket.send(b, to) > 0) {
                    return n;
                }
            } catch (IOException e) {
                server.dropped("UDP send failed: " + e.getMessage(), to);
                return 0;
            }
            backlog = true; // socket buffer full: Netty's outbound buffer waits for it (OP_WRITE)
        } else if (!channel.isWritable()) {
            server.dropped("UDP send buffer full and " + channel.config().getWriteBufferHighWaterMark()
                    + " bytes already queued: packet dropped", to);
            return 0;
        }
        ByteBuf copy = channel.alloc().directBuffer(n);
        copy.writeBytes(b);
        write(copy, to);
        return n;
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
