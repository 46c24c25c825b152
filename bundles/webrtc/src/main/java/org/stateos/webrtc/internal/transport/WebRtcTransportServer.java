package org.stateos.webrtc.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.webrtc.internal.dtls.DtlsCertificate;
import org.stateos.webrtc.internal.dtls.DtlsSrtpServer;
import org.stateos.webrtc.internal.dtls.QueuedDatagramTransport;
import org.stateos.webrtc.internal.ice.BindingOutcome;
import org.stateos.webrtc.internal.ice.IceCredentials;
import org.stateos.webrtc.internal.ice.IceLiteResponder;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpException;
import org.stateos.webrtc.internal.udp.DatagramDemux;
import org.stateos.webrtc.internal.udp.DemuxTarget;

/**
 * ICE-lite, DTLS-SRTP and SRTP for every WebRTC session on one UDP port, on the node's shared event loop group.
 * Plain class (no OSGi): {@link TransportServiceComponent} runs it in the container, tests run it directly.
 *
 * <p>One {@link NioDatagramChannel}, so one event loop of the group, carries every session: the demultiplexer,
 * the STUN answers, SRTP in both directions and every listener callback run there, with no locks. Sessions are
 * found by their ICE ufrag (from a STUN USERNAME, {@link ConcurrentHashMap} since {@link #open} runs on HTTP
 * threads) and, once a check validated an address, by the sender's address (a loop-confined map).
 *
 * <p><b>The one private pool, and why.</b> Bouncy Castle's DTLS API is blocking: {@code DTLSServerProtocol.accept}
 * waits in {@code receive} with its own retransmission timers until the handshake ends, and the handshake's
 * ECDHE and ECDSA operations cost a few milliseconds of CPU. Run on the shared event loop it would stall every
 * other channel of the node, so handshakes run on a small pool ({@code dtls.handshake.threads}, 2 by default,
 * threads made on demand and ended after 30 s idle) with a bounded queue ({@value TransportSettings#DTLS_HANDSHAKE_QUEUE});
 * when both are full a new session is refused rather than queued without bound. After the handshake, DTLS
 * records (retransmitted Finished, close_notify) are read from the event loop without blocking.
 */
public final class WebRtcTransportServer implements TransportService, DemuxTarget, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcTransportServer.class);
    private static final int MAX_DATAGRAM = 2048;

    private final TransportSettings settings;
    private final EventLoopGroup group;
    private final SecureRandom random = new SecureRandom();
    private final BcTlsCrypto crypto = new BcTlsCrypto(random);
    private final DtlsCertificate certificate;
    private final ThreadPoolExecutor handshakes;
    private final Map<String, PeerSession> byUfrag = new ConcurrentHashMap<>();
    /** Loop-confined. */
    private final Map<InetSocketAddress, PeerSession> byAddress = new HashMap<>();
    private final IceLiteResponder<PeerSession> responder =
            new IceLiteResponder<>(byUfrag::get, PeerSession::credentials);
    private final RateLimitedLog drops = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private final Runnable flushTask = this::flushNow;
    private Channel channel;
    private EventLoop loop;
    private List<InetSocketAddress> candidates = List.of();
    private ScheduledFuture<?> sweeper;
    private boolean flushScheduled;
    /** The bound socket under {@link #channel}; written directly by {@link #sendRtp} on the loop. */
    private java.nio.channels.DatagramChannel socket;
    /** Loop-confined: one protected packet at a time. */
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(65_536 + 64);
    /** Netty's outbound buffer holds packets: later ones queue behind them. */
    private boolean backlog;
    private volatile boolean closed;

    public WebRtcTransportServer(TransportSettings settings, EventLoopGroup group) {
        this.settings = settings;
        this.group = group;
        this.certificate = DtlsCertificate.generate(crypto, random);
        AtomicInteger threadNumber = new AtomicInteger();
        this.handshakes = new ThreadPoolExecutor(settings.dtlsHandshakeThreads(), settings.dtlsHandshakeThreads(),
                30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(TransportSettings.DTLS_HANDSHAKE_QUEUE), r -> {
                    Thread t = new Thread(r, "webrtc-dtls-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        handshakes.allowCoreThreadTimeOut(true);
    }

    /** Binds the UDP port. */
    public void start() throws IOException {
        if (!(group.next() instanceof NioEventLoop)) {
            throw new IOException("the shared EventLoopGroup runs " + group.next().getClass().getName()
                    + "; the WebRTC transport needs a NIO event loop group");
        }
        InetAddress bindAddress = InetAddress.getByName(settings.bindAddress());
        // The JDK channel is ours too: the fan-out sends on it directly (see sendRtp).
        socket = java.nio.channels.DatagramChannel.open();
        java.nio.channels.DatagramChannel javaChannel = socket;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channelFactory((io.netty.channel.ChannelFactory<NioDatagramChannel>) () -> new NioDatagramChannel(javaChannel))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new DatagramDemux(this));
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(bindAddress, settings.port())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("WebRTC transport cannot bind UDP " + settings.bindAddress() + ":" + settings.port()
                    + ": " + bound.cause().getMessage(), bound.cause());
        }
        channel = bound.channel();
        loop = channel.eventLoop();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        candidates = Candidates.resolve(settings.announcedAddresses(), local);
        sweeper = loop.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        LOG.info("WebRTC transport on UDP {}, announcing {}, DTLS fingerprint sha-256 {}", local, candidates,
                certificate.sha256Fingerprint());
    }

    public InetSocketAddress localAddress() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    public String fingerprint() {
        return certificate.sha256Fingerprint();
    }

    public int sessionCount() {
        return byUfrag.size();
    }

    public long droppedDatagrams() {
        return drops.total();
    }

    // ------------------------------------------------------------------ TransportService

    @Override
    public PeerTransport open(String remoteUfrag, String remotePwd, Fingerprint remoteFingerprint, TransportListener listener) {
        if (closed || channel == null) {
            throw new IllegalStateException("the WebRTC transport is not running");
        }
        checkIceString("ice-ufrag", remoteUfrag, 4, 256);
        checkIceString("ice-pwd", remotePwd, 22, 256);
        if (remoteFingerprint == null || remoteFingerprint.hex() == null || remoteFingerprint.algorithm() == null) {
            throw new IllegalArgumentException("the offer has no a=fingerprint");
        }
        DtlsCertificate.fingerprint(remoteFingerprint.algorithm(), new byte[0]); // throws for an unknown hash function
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        if (byUfrag.size() >= settings.maxSessions()) {
            throw new IllegalStateException("WebRTC transport full: " + settings.maxSessions() + " sessions open");
        }
        while (true) {
            IceCredentials cred = IceCredentials.fresh(random, remoteUfrag, remotePwd);
            PeerTransport.LocalParameters local = new PeerTransport.LocalParameters(cred.localUfrag(), cred.localPwd(),
                    "sha-256", certificate.sha256Fingerprint(), candidates);
            PeerSession s = new PeerSession(this, cred, local, remoteFingerprint.algorithm(), remoteFingerprint.hex().trim(),
                    listener, loop);
            if (byUfrag.putIfAbsent(cred.localUfrag(), s) == null) {
                return s;
            }
        }
    }

    private static void checkIceString(String what, String value, int min, int max) {
        if (value == null || value.length() < min || value.length() > max) {
            throw new IllegalArgumentException("the offer's " + what + " must have " + min + ".." + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                throw new IllegalArgumentException("the offer's " + what + " has a character outside ice-char");
            }
        }
    }

    // ------------------------------------------------------------------ demultiplexed input (event loop)

    @Override
    public void onStun(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender) {
        BindingOutcome<PeerSession> outcome = responder.answer(content, sender, ctx.alloc());
        if (outcome.response() != null) {
            writeAndFlush(outcome.response(), sender);
        }
        if (outcome.valid()) {
            outcome.session().onValidCheck(sender, outcome.nominate());
        } else if (outcome.dropReason() != null) {
            dropped(outcome.dropReason(), sender);
        }
    }

    @Override
    public void onDtls(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender) {
        PeerSession s = byAddress.get(sender);
        if (s == null) {
            dropped("DTLS from an address no ICE check validated", sender);
            return;
        }
        s.onDtls(content, sender);
    }

    @Override
    public void onSrtp(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender, boolean rtcp) {
        PeerSession s = byAddress.get(sender);
        if (s == null) {
            dropped("SRTP from an address no ICE check validated", sender);
            return;
        }
        s.onSrtp(content, sender, rtcp);
    }

    @Override
    public void onUnknown(ByteBuf content, InetSocketAddress sender) {
        dropped("first byte " + (content.isReadable() ? content.getUnsignedByte(content.readerIndex()) : -1)
                + " is neither STUN, DTLS nor RTP (RFC 7983)", sender);
    }

    void dropped(String reason, Object from) {
        drops.drop(reason, from);
    }

    // ------------------------------------------------------------------ session bookkeeping (event loop)

    void addressValidated(InetSocketAddress address, PeerSession s) {
        PeerSession previous = byAddress.put(address, s);
        if (previous != null && previous != s) {
            // A new session from the same address (a reload): the old one keeps its other addresses, if any.
            previous.validatedAddresses().remove(address);
        }
    }

    void removed(PeerSession s) {
        byUfrag.remove(s.credentials().localUfrag(), s);
        for (InetSocketAddress a : s.validatedAddresses()) {
            byAddress.remove(a, s);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        long ice = settings.iceTimeout().toNanos();
        long consent = settings.consentTimeout().toNanos();
        long dtls = settings.dtlsHandshakeTimeout().toNanos();
        for (PeerSession s : new ArrayList<>(byUfrag.values())) {
            s.sweep(now, ice, consent, dtls);
        }
    }

    // ------------------------------------------------------------------ DTLS handshakes

    DtlsSrtpServer newDtlsServer(String remoteFingerprintAlgorithm, String remoteFingerprint) {
        return new DtlsSrtpServer(crypto, certificate, remoteFingerprintAlgorithm, remoteFingerprint,
                settings.srtpProfiles(), (int) settings.dtlsHandshakeTimeout().toMillis());
    }

    boolean submitHandshake(PeerSession s, DtlsSrtpServer server, QueuedDatagramTransport datagrams) {
        try {
            handshakes.execute(() -> {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // The peer's address was proven by an authenticated ICE check: no HelloVerifyRequest round trip.
                protocol.setVerifyRequests(false);
                try {
                    DTLSTransport t = protocol.accept(server, datagrams);
                    loop.execute(() -> s.handshakeDone(t));
                } catch (IOException | RuntimeException e) {
                    String why = server.failure() != null ? server.failure() : String.valueOf(e.getMessage());
                    loop.execute(() -> s.handshakeFailed(why));
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ output

    /** The UDP channel's allocator, for protected packets written to it. */
    io.netty.buffer.ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /** Writes one datagram now (STUN answers, DTLS flights); any thread. */
    void writeAndFlush(ByteBuf content, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(content, to), channel.voidPromise());
    }

    /**
     * Writes one protected media datagram (event loop); the flush follows once the tasks queued now have run, so
     * a burst of packets from one fan-out pass costs one flush.
     */
    void write(ByteBuf content, InetSocketAddress to) {
        channel.write(new DatagramPacket(content, to), channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    /**
     * Protects {@code header + payload} with {@code sender} and sends it now with one {@code sendto} on the port's
     * socket (event loop): no pooled buffer, no Netty outbound entry, no flush per packet. When the socket's send
     * buffer is full (or Netty still holds earlier packets) the packet goes through Netty's outbound buffer
     * instead, which waits for the socket, and so do the packets after it until that buffer is empty (order kept).
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
            dropped("cannot protect outgoing RTP: " + e.getMessage(), to);
            return 0;
        }
        b.flip();
        if (!backlog) {
            try {
                if (socket.send(b, to) > 0) {
                    return n;
                }
            } catch (IOException e) {
                dropped("UDP send failed: " + e.getMessage(), to);
                return 0;
            }
            backlog = true; // socket buffer full: Netty's outbound buffer waits for it (OP_WRITE)
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
            io.netty.channel.ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
            backlog = pending != null && !pending.isEmpty();
        }
    }

    // ------------------------------------------------------------------ stop

    /** Closes every session, the port and the handshake pool; call from outside the event loop group. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            loop.submit(() -> {
                if (sweeper != null) {
                    sweeper.cancel(false);
                }
                for (PeerSession s : new ArrayList<>(byUfrag.values())) {
                    s.close("WebRTC transport stopped");
                }
            }).awaitUninterruptibly(5, TimeUnit.SECONDS);
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        handshakes.shutdownNow();
        try {
            if (!handshakes.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("WebRTC DTLS handshake threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
