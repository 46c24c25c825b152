package org.stateos.webrtc.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.webrtc.internal.dtls.DtlsCertificate;
import org.stateos.webrtc.internal.dtls.DtlsSrtpServer;
import org.stateos.webrtc.internal.dtls.QueuedDatagramTransport;
import org.stateos.webrtc.internal.ice.IceCredentials;
import org.stateos.webrtc.internal.udp.DatagramDemux;
import org.stateos.webrtc.internal.udp.SegmentedSender;

/**
 * ICE-lite, DTLS-SRTP and SRTP for every WebRTC session on one UDP port, on the node's shared event loop group.
 * Plain class (no OSGi): {@link TransportServiceComponent} runs it in the container, tests run it directly.
 *
 * <p><b>Sockets and loops.</b> The one UDP port is bound by {@code udp.sockets} sockets with SO_REUSEPORT (by
 * default one per event loop of the shared group, so one on a single-core node), each a {@link NioDatagramChannel}
 * on its own loop ({@link UdpSocket}). A session is placed on the socket with the fewest sessions when it opens
 * and all its work runs on that socket's loop: its output, SRTP in both directions and every listener callback,
 * with no locks; a viewer's fan-out work so spreads over the node's cores. The kernel hashes each peer's address
 * to one socket for input; that socket answers STUN and hands DTLS and SRTP to the session's loop. Sessions are
 * found by their ICE ufrag (from a STUN USERNAME) and, once a check validated an address, by the sender's address,
 * in concurrent maps ({@link #open} runs on HTTP threads, input on every socket's loop).
 *
 * <p><b>The one private pool, and why.</b> Bouncy Castle's DTLS API is blocking: {@code DTLSServerProtocol.accept}
 * waits in {@code receive} with its own retransmission timers until the handshake ends, and the handshake's
 * ECDHE and ECDSA operations cost a few milliseconds of CPU. Run on the shared event loop it would stall every
 * other channel of the node, so handshakes run on a small pool ({@code dtls.handshake.threads}, 2 by default,
 * threads made on demand and ended after 30 s idle) with a bounded queue ({@value TransportSettings#DTLS_HANDSHAKE_QUEUE});
 * when both are full a new session is refused rather than queued without bound. After the handshake, DTLS
 * records (retransmitted Finished, close_notify) are read from the event loop without blocking.
 */
public final class WebRtcTransportServer implements TransportService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcTransportServer.class);
    private static final int MAX_DATAGRAM = 2048;

    private final TransportSettings settings;
    private final EventLoopGroup group;
    private final SecureRandom random = new SecureRandom();
    private final BcTlsCrypto crypto = new BcTlsCrypto(random);
    private final DtlsCertificate certificate;
    private final ThreadPoolExecutor handshakes;
    private final HandshakeLanes handshakeLanes;
    private final Map<String, PeerSession> byUfrag = new ConcurrentHashMap<>();
    /** Held while {@link #open} checks max.sessions and enters a session. */
    private final Object opening = new Object();
    private final Map<InetSocketAddress, PeerSession> byAddress = new ConcurrentHashMap<>();
    private final RateLimitedLog drops = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private final List<UdpSocket> sockets = new ArrayList<>();
    private final List<ScheduledFuture<?>> sweepers = new ArrayList<>();
    private List<InetSocketAddress> candidates = List.of();
    private volatile boolean closed;
    /** Why sends are one datagram per call (udp.gso off, unavailable, refused by the kernel); null while segmented. */
    private volatile String segmentationOff;

    public WebRtcTransportServer(TransportSettings settings, EventLoopGroup group) {
        this(settings, group, HandshakeLanes.REMOTE_ONLY);
    }

    /**
     * @param laneLimited which source addresses {@code dtls.handshakes.per.address} applies to (production: every
     *                    address but loopback; tests whose peers all sit on loopback: every address)
     */
    WebRtcTransportServer(TransportSettings settings, EventLoopGroup group,
            Predicate<InetAddress> laneLimited) {
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
        this.handshakeLanes = new HandshakeLanes(handshakes, settings.dtlsHandshakesPerAddress(), laneLimited);
    }

    /** Binds the UDP port: one socket per event loop (or {@code udp.sockets}), SO_REUSEPORT when several. */
    public void start() throws IOException {
        List<EventLoop> loops = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor e : group) {
            if (!(e instanceof NioEventLoop l)) {
                throw new IOException("the shared EventLoopGroup runs " + e.getClass().getName()
                        + "; the WebRTC transport needs a NIO event loop group");
            }
            loops.add(l);
        }
        int wanted = settings.udpSockets() == 0 ? loops.size() : Math.min(settings.udpSockets(), loops.size());
        InetAddress bindAddress = InetAddress.getByName(settings.bindAddress());
        int port = settings.port();
        try {
            for (int i = 0; i < wanted; i++) {
                UdpSocket s = bind(loops.get(i), new InetSocketAddress(bindAddress, port), wanted > 1);
                if (s == null) {
                    break; // no SO_REUSEPORT here: one socket carries everything
                }
                sockets.add(s);
                port = ((InetSocketAddress) s.channel().localAddress()).getPort(); // port 0: the others join the first
            }
        } catch (IOException | RuntimeException e) {
            for (UdpSocket s : sockets) {
                s.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            sockets.clear();
            throw e;
        }
        InetSocketAddress local = localAddress();
        candidates = Candidates.resolve(settings.announcedAddresses(), local);
        for (UdpSocket s : sockets) {
            sweepers.add(s.loop().scheduleAtFixedRate(() -> sweep(s.loop()), 1, 1, TimeUnit.SECONDS));
        }
        LOG.info("WebRTC transport on UDP {} ({} socket{} on as many event loops), announcing {}, DTLS fingerprint sha-256 {}",
                local, sockets.size(), sockets.size() == 1 ? "" : "s", candidates, certificate.sha256Fingerprint());
    }

    /** One socket on {@code loop}; null when {@code reusePort} is asked for but the platform has no SO_REUSEPORT. */
    private UdpSocket bind(EventLoop loop, InetSocketAddress address, boolean reusePort) throws IOException {
        // The JDK channel is ours too: the fan-out sends on it directly (UdpSocket.sendRtp).
        DatagramChannel javaChannel = DatagramChannel.open();
        if (reusePort) {
            try {
                javaChannel.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
            } catch (UnsupportedOperationException e) {
                javaChannel.close();
                if (sockets.isEmpty()) {
                    LOG.info("SO_REUSEPORT is not supported here: one WebRTC UDP socket on one event loop");
                    return bind(loop, address, false);
                }
                return null;
            }
        }
        UdpSocket[] made = new UdpSocket[1];
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory((io.netty.channel.ChannelFactory<NioDatagramChannel>) () -> new NioDatagramChannel(javaChannel))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        made[0] = new UdpSocket(WebRtcTransportServer.this, ch, javaChannel, segmentSender(javaChannel));
                        ch.pipeline().addLast(new DatagramDemux(made[0]));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("WebRTC transport cannot bind UDP " + settings.bindAddress() + ":" + address.getPort()
                    + ": " + bound.cause().getMessage(), bound.cause());
        }
        return made[0];
    }

    /** A segmented sender on the socket, or null (with the reason kept and logged once) when there is none. */
    private UdpSocket.SegmentSender segmentSender(DatagramChannel javaChannel) {
        if (!settings.udpGso()) {
            segmentationOff = "udp.gso = false";
            return null;
        }
        try {
            return SegmentedSender.on(javaChannel)::send; // refuses once the channel is closed
        } catch (UnsupportedOperationException | LinkageError e) { // LinkageError: JNA missing or its native part
            if (segmentationOff == null) {
                LOG.warn("WebRTC transport sends one datagram per system call: UDP segmentation offload unavailable ({})",
                        e.getMessage());
            }
            segmentationOff = "unavailable: " + e.getMessage();
            return null;
        }
    }

    /** A socket's segmented send failed for a reason that will not pass (old kernel, device): it stops. */
    void segmentationRefused(String reason) {
        LOG.warn("WebRTC transport: the kernel refused a segmented send, this socket sends one datagram per call from now: {}",
                reason);
        segmentationOff = "refused by the kernel: " + reason;
    }

    /**
     * How the sockets send bursts: "UDP GSO on N sockets: C sendmsg calls carried D datagrams" or "one datagram
     * per call (why)".
     */
    @Override
    public String sendMode() {
        long calls = 0;
        long datagrams = 0;
        long aboveMtu = 0;
        int on = 0;
        for (UdpSocket s : List.copyOf(sockets)) {
            UdpSocket.SegmentedSends c = s.segmentedSends();
            calls += c.calls();
            datagrams += c.datagrams();
            aboveMtu += c.aboveMtu();
            on += s.segmentedSendsOn() ? 1 : 0;
        }
        String off = segmentationOff;
        if (on == 0) {
            return "one datagram per call (" + (off == null ? "no socket" : off) + ")";
        }
        return String.format(java.util.Locale.ROOT, "UDP GSO on %d of %d socket%s: %d sendmsg calls carried %d datagrams (%.1f per call)%s%s",
                on, sockets.size(), sockets.size() == 1 ? "" : "s", calls, datagrams, calls == 0 ? 0.0 : (double) datagrams / calls,
                aboveMtu == 0 ? "" : "; " + aboveMtu + " bursts one datagram per call (segments above the path's MTU)",
                off == null ? "" : "; " + off);
    }

    public InetSocketAddress localAddress() {
        return sockets.isEmpty() ? null : (InetSocketAddress) sockets.get(0).channel().localAddress();
    }

    /** Sockets bound to the port (one per event loop by default). */
    public int socketCount() {
        return sockets.size();
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
        if (closed || sockets.isEmpty()) {
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
        // Checked and entered under one lock, or concurrent opens (WHIP and WHEP offers on several HTTP loops) all
        // see room for one more and overshoot max.sessions.
        synchronized (opening) {
            if (byUfrag.size() >= settings.maxSessions()) {
                throw new IllegalStateException("WebRTC transport full: " + settings.maxSessions() + " sessions open");
            }
            while (true) {
                IceCredentials cred = IceCredentials.fresh(random, remoteUfrag, remotePwd);
                PeerTransport.LocalParameters local = new PeerTransport.LocalParameters(cred.localUfrag(),
                        cred.localPwd(), "sha-256", certificate.sha256Fingerprint(), candidates);
                UdpSocket socket = leastLoaded();
                PeerSession s = new PeerSession(this, cred, local, remoteFingerprint.algorithm(),
                        remoteFingerprint.hex().trim(), listener, socket);
                if (byUfrag.putIfAbsent(cred.localUfrag(), s) == null) {
                    socket.sessions.incrementAndGet();
                    return s;
                }
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

    /** The socket with the fewest sessions: a session's work runs on its socket's loop. */
    private UdpSocket leastLoaded() {
        UdpSocket best = sockets.get(0);
        for (UdpSocket s : sockets) {
            if (s.sessions.get() < best.sessions.get()) {
                best = s;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ lookups for the sockets' input (any loop)

    PeerSession sessionByUfrag(String localUfrag) {
        return byUfrag.get(localUfrag);
    }

    PeerSession sessionByAddress(InetSocketAddress sender) {
        return byAddress.get(sender);
    }

    void dropped(String reason, Object from) {
        drops.drop(reason, from);
    }

    // ------------------------------------------------------------------ session bookkeeping (event loop)

    void addressValidated(InetSocketAddress address, PeerSession s) {
        PeerSession previous = byAddress.put(address, s);
        if (previous != null && previous != s) {
            // A new session from the same address (a reload): the old one keeps its other addresses, if any. Its
            // list is confined to its own loop, which may be another one than this.
            previous.onLoop(() -> previous.validatedAddresses().remove(address));
        }
    }

    void removed(PeerSession s) {
        if (byUfrag.remove(s.credentials().localUfrag(), s)) {
            s.socket().sessions.decrementAndGet();
        }
        for (InetSocketAddress a : s.validatedAddresses()) {
            byAddress.remove(a, s);
        }
    }

    /** The sessions living on {@code loop} (each socket's loop sweeps its own). */
    private void sweep(EventLoop loop) {
        long now = System.nanoTime();
        long ice = settings.iceTimeout().toNanos();
        long consent = settings.consentTimeout().toNanos();
        long dtls = settings.dtlsHandshakeTimeout().toNanos();
        for (PeerSession s : new ArrayList<>(byUfrag.values())) {
            if (s.eventLoop() == loop) {
                s.sweep(now, ice, consent, dtls);
            }
        }
    }

    // ------------------------------------------------------------------ DTLS handshakes

    DtlsSrtpServer newDtlsServer(String remoteFingerprintAlgorithm, String remoteFingerprint) {
        return new DtlsSrtpServer(crypto, certificate, remoteFingerprintAlgorithm, remoteFingerprint,
                settings.srtpProfiles(), (int) settings.dtlsHandshakeTimeout().toMillis());
    }

    /**
     * Runs the handshake on the pool, at most {@code dtls.handshakes.per.address} of one source address at once
     * ({@link HandshakeLanes}); false when refused now (the pool's queue or the address's waiting line is full).
     */
    boolean submitHandshake(PeerSession s, DtlsSrtpServer server, QueuedDatagramTransport datagrams, InetAddress from) {
        return handshakeLanes.submit(from, () -> {
            DTLSServerProtocol protocol = new DTLSServerProtocol();
            // The peer's address was proven by an authenticated ICE check: no HelloVerifyRequest round trip.
            protocol.setVerifyRequests(false);
            try {
                DTLSTransport t = protocol.accept(server, datagrams);
                s.onLoop(() -> s.handshakeDone(t));
            } catch (IOException | RuntimeException e) {
                String why = server.failure() != null ? server.failure() : String.valueOf(e.getMessage());
                s.onLoop(() -> s.handshakeFailed(why));
            }
        }, () -> s.onLoop(() -> s.close("DTLS handshake capacity exhausted")));
    }

    // ------------------------------------------------------------------ stop

    /** Closes every session, the port and the handshake pool; call from outside the event loop group. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ScheduledFuture<?> f : sweepers) {
            f.cancel(false);
        }
        for (UdpSocket socket : sockets) {
            socket.loop().submit(() -> {
                for (PeerSession s : new ArrayList<>(byUfrag.values())) {
                    if (s.eventLoop() == socket.loop()) {
                        s.close("WebRTC transport stopped");
                    }
                }
            }).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        for (UdpSocket socket : sockets) {
            socket.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
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
