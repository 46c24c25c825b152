package org.stateos.webrtc.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.DTLSTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.webrtc.internal.dtls.DtlsSrtpServer;
import org.stateos.webrtc.internal.dtls.QueuedDatagramTransport;
import org.stateos.webrtc.internal.ice.IceCredentials;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpException;
import org.stateos.webrtc.internal.srtp.SrtpKeys;

/**
 * One peer connection on the shared port: ICE-lite state, the DTLS association and the SRTP contexts. All state is
 * confined to its socket's event loop ({@link UdpSocket}) except {@link #state} (read by {@link #isConnected()} anywhere) and the
 * statistics; public methods called from other threads hop onto the loop.
 */
final class PeerSession implements PeerTransport {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);
    /** Remote addresses one session may validate (host, srflx, relay, IPv4 and IPv6 of one browser). */
    static final int MAX_REMOTE_ADDRESSES = 8;

    /** The session's life; moves forward only. */
    enum State {
        /** Offer answered; no valid connectivity check yet. */
        WAITING_FOR_CHECK,
        /** A valid check arrived: the peer's address is known; waiting for its DTLS ClientHello. */
        CHECKED,
        /** The DTLS handshake runs on a handshake thread. */
        HANDSHAKING,
        /** DTLS done, SRTP keys set: media flows. */
        CONNECTED,
        CLOSED
    }

    private final WebRtcTransportServer server;
    private final IceCredentials credentials;
    private final LocalParameters local;
    private final String remoteFingerprintAlgorithm;
    private final String remoteFingerprint;
    private final TransportListener listener;
    private final UdpSocket socket;
    private final EventLoop loop;
    private final long openedNanos;

    private volatile State state = State.WAITING_FOR_CHECK;
    private volatile InetSocketAddress selected;
    private final List<InetSocketAddress> validated = new ArrayList<>(2);
    private boolean nominated;
    private long lastValidCheckNanos;
    private QueuedDatagramTransport datagrams;
    private DtlsSrtpServer dtlsServer;
    private DTLSTransport dtls;
    private SrtpContext sender;
    private SrtpContext receiver;
    private byte[] dtlsReadBuffer;

    private volatile long packetsSent;
    private volatile long bytesSent;
    private static final java.lang.invoke.VarHandle PACKETS_SENT;
    private static final java.lang.invoke.VarHandle BYTES_SENT;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            PACKETS_SENT = l.findVarHandle(PeerSession.class, "packetsSent", long.class);
            BYTES_SENT = l.findVarHandle(PeerSession.class, "bytesSent", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile long packetsReceived;
    private volatile long bytesReceived;
    private volatile String srtpProfile;

    PeerSession(WebRtcTransportServer server, IceCredentials credentials, LocalParameters local,
            String remoteFingerprintAlgorithm, String remoteFingerprint, TransportListener listener, UdpSocket socket) {
        this.server = server;
        this.credentials = credentials;
        this.local = local;
        this.remoteFingerprintAlgorithm = remoteFingerprintAlgorithm;
        this.remoteFingerprint = remoteFingerprint;
        this.listener = listener;
        this.socket = socket;
        this.loop = socket.loop();
        this.openedNanos = System.nanoTime();
    }

    UdpSocket socket() {
        return socket;
    }

    /** Runs {@code task} on this session's loop: now when already there, else queued (dropped when stopping). */
    void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node is stopping: the session goes with it
        }
    }

    IceCredentials credentials() {
        return credentials;
    }

    State state() {
        return state;
    }

    List<InetSocketAddress> validatedAddresses() {
        return validated;
    }

    // ------------------------------------------------------------------ PeerTransport

    @Override
    public LocalParameters local() {
        return local;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return selected;
    }

    @Override
    public void sendRtp(ByteBuf plainRtp) {
        send(plainRtp, false);
    }

    @Override
    public void sendRtpCopy(ByteBuf plainRtp) {
        if (!loop.inEventLoop()) {
            PeerTransport.super.sendRtpCopy(plainRtp); // copies now: the caller's buffer may change after we return
            return;
        }
        InetSocketAddress to = selected;
        if (state != State.CONNECTED || to == null) {
            return;
        }
        ByteBuf out = socket.alloc().buffer(plainRtp.readableBytes() + SRTP_TRAILER_BYTES);
        try {
            sender.protectRtp(plainRtp, out);
        } catch (SrtpException e) {
            out.release();
            server.dropped("cannot protect outgoing RTP: " + e.getMessage(), to);
            return;
        }
        int bytes = out.readableBytes();
        socket.write(out, to);
        packetsSent++;
        bytesSent += bytes;
    }

    @Override
    public void sendRtp(byte[] header, byte[] payload, int offset, int length) {
        if (!loop.inEventLoop()) {
            PeerTransport.super.sendRtp(header, payload, offset, length); // copies now and hops to the loop
            return;
        }
        InetSocketAddress to = selected;
        if (state != State.CONNECTED || to == null) {
            return;
        }
        int bytes = socket.sendRtp(sender, header, payload, offset, length, to);
        if (bytes > 0) {
            // Written only on this loop: a release store (plain on x86) instead of a volatile write's fence per packet.
            PACKETS_SENT.setRelease(this, (long) PACKETS_SENT.get(this) + 1);
            BYTES_SENT.setRelease(this, (long) BYTES_SENT.get(this) + bytes);
        }
    }

    @Override
    public void beginBurst() {
        if (loop.inEventLoop()) {
            socket.beginBurst();
        }
    }

    @Override
    public void endBurst() {
        if (loop.inEventLoop()) {
            socket.endBurst();
        }
    }

    @Override
    public void sendRtcp(ByteBuf plainRtcp) {
        send(plainRtcp, true);
    }

    private void send(ByteBuf plain, boolean rtcp) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> send(plain, rtcp));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                plain.release(); // the node is stopping
            }
            return;
        }
        InetSocketAddress to = selected;
        if (state != State.CONNECTED || to == null) {
            plain.release();
            return;
        }
        try {
            if (rtcp) {
                sender.protectRtcp(plain);
            } else {
                sender.protectRtp(plain);
            }
        } catch (SrtpException e) {
            plain.release();
            server.dropped("cannot protect outgoing " + (rtcp ? "RTCP" : "RTP") + ": " + e.getMessage(), to);
            return;
        }
        int bytes = plain.readableBytes();
        socket.write(plain, to);
        packetsSent++;
        bytesSent += bytes;
    }

    @Override
    public TransportStats stats() {
        return new TransportStats(packetsSent, bytesSent, packetsReceived, bytesReceived, srtpProfile);
    }

    @Override
    public void close() {
        if (loop.inEventLoop()) {
            close("closed by the session");
        } else {
            loop.execute(() -> close("closed by the session"));
        }
    }

    // ------------------------------------------------------------------ ICE (event loop)

    /** An authenticated binding request from {@code from}; answered already. */
    void onValidCheck(InetSocketAddress from, boolean useCandidate) {
        if (state == State.CLOSED) {
            return;
        }
        lastValidCheckNanos = System.nanoTime();
        if (!validated.contains(from)) {
            if (validated.size() >= MAX_REMOTE_ADDRESSES) {
                server.dropped("session " + credentials.localUfrag() + " validated " + MAX_REMOTE_ADDRESSES
                        + " addresses already", from);
                return;
            }
            validated.add(from);
            server.addressValidated(from, this);
        }
        if (state == State.WAITING_FOR_CHECK) {
            state = State.CHECKED;
        }
        if (selected == null) {
            selected = from;
        }
        if (useCandidate && (!nominated || !from.equals(selected))) {
            if (nominated) {
                LOG.debug("WebRTC session {}: peer nominated {} instead of {}", credentials.localUfrag(), from, selected);
            }
            nominated = true;
            selected = from;
        }
    }

    /** Called about once a second: ICE timeout, consent freshness, stalled handshakes. */
    void sweep(long now, long iceTimeoutNanos, long consentTimeoutNanos, long dtlsTimeoutNanos) {
        switch (state) {
            case WAITING_FOR_CHECK -> {
                if (now - openedNanos > iceTimeoutNanos) {
                    close("ICE timed out: no valid connectivity check within "
                            + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(iceTimeoutNanos) + " s");
                }
            }
            case CHECKED, HANDSHAKING, CONNECTED -> {
                if (now - lastValidCheckNanos > consentTimeoutNanos) {
                    close("consent expired: no valid STUN binding request for "
                            + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(consentTimeoutNanos) + " s");
                } else if (state != State.CONNECTED && now - openedNanos > iceTimeoutNanos + dtlsTimeoutNanos) {
                    close("DTLS did not complete in time");
                }
            }
            case CLOSED -> {
            }
        }
    }

    // ------------------------------------------------------------------ DTLS (event loop)

    void onDtls(byte[] datagram, InetSocketAddress from) {
        if (state == State.WAITING_FOR_CHECK || state == State.CLOSED) {
            return;
        }
        if (!nominated && !from.equals(selected)) {
            selected = from; // DTLS follows the pair the peer uses; nomination has the last word
        }
        if (state == State.CHECKED) {
            startHandshake(from.getAddress());
        }
        if (!datagrams.offer(datagram)) {
            server.dropped("DTLS queue full or datagram too large", from);
            return;
        }
        if (state == State.CONNECTED) {
            pumpDtls();
        }
    }

    private void startHandshake(InetAddress from) {
        state = State.HANDSHAKING;
        datagrams = new QueuedDatagramTransport(this::sendDtls);
        dtlsServer = server.newDtlsServer(remoteFingerprintAlgorithm, remoteFingerprint);
        if (!server.submitHandshake(this, dtlsServer, datagrams, from)) {
            close("DTLS handshake capacity exhausted (the pool's queue, or " + from.getHostAddress()
                    + "'s waiting line, is full)");
        }
    }

    /** Sends a DTLS datagram to the selected address; runs on the handshake thread or the loop. */
    private void sendDtls(byte[] datagram) throws IOException {
        InetSocketAddress to = selected;
        if (to == null || state == State.CLOSED && dtls == null) {
            throw new IOException("no peer address");
        }
        socket.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(datagram), to);
    }

    /** On the loop once the handshake thread finished successfully. */
    void handshakeDone(DTLSTransport transport) {
        if (state == State.CLOSED) {
            closeQuietly(transport);
            return;
        }
        SrtpKeys keys = dtlsServer.keys();
        dtls = transport;
        sender = keys.serverSender();
        receiver = keys.serverReceiver();
        srtpProfile = keys.profile().name();
        datagrams.nonBlocking();
        dtlsReadBuffer = new byte[QueuedDatagramTransport.RECEIVE_LIMIT];
        state = State.CONNECTED;
        LOG.debug("WebRTC session {} connected to {} with {}", credentials.localUfrag(), selected, srtpProfile);
        try {
            listener.onConnected(this);
        } catch (RuntimeException e) {
            LOG.warn("WebRTC session listener failed in onConnected", e);
        }
        pumpDtls();
    }

    /** On the loop when the handshake thread failed. */
    void handshakeFailed(String why) {
        close("DTLS handshake failed: " + why);
    }

    /** Feeds queued datagrams through the established DTLS connection: retransmissions, alerts, application data. */
    private void pumpDtls() {
        while (state == State.CONNECTED) {
            int n;
            try {
                n = dtls.receive(dtlsReadBuffer, 0, dtlsReadBuffer.length, 1);
            } catch (QueuedDatagramTransport.Drained e) {
                break;
            } catch (IOException e) {
                close(dtlsServer.closedByPeer() ? "peer closed DTLS" : "DTLS failed: " + e.getMessage());
                return;
            }
            if (dtlsServer.closedByPeer()) {
                close("peer sent DTLS close_notify");
                return;
            }
            if (n >= 0) {
                // SCTP data channels are not offered in our answers; a peer sending application data is ignored.
                server.dropped("DTLS application data (no data channels)", selected);
            }
        }
    }

    // ------------------------------------------------------------------ SRTP in (event loop)

    void onSrtp(ByteBuf content, InetSocketAddress from, boolean rtcp) {
        if (state != State.CONNECTED) {
            server.dropped("SRTP before DTLS completed", from);
            return;
        }
        int bytes = content.readableBytes();
        try {
            if (rtcp) {
                receiver.unprotectRtcp(content);
            } else {
                receiver.unprotectRtp(content);
            }
        } catch (SrtpException e) {
            server.dropped(e.getMessage(), from);
            return;
        }
        packetsReceived++;
        bytesReceived += bytes;
        try {
            if (rtcp) {
                listener.onRtcp(content);
            } else {
                listener.onRtp(content);
            }
        } catch (RuntimeException e) {
            LOG.warn("WebRTC session listener failed on incoming {}", rtcp ? "RTCP" : "RTP", e);
        }
    }

    // ------------------------------------------------------------------ closing (event loop)

    void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (dtls != null) {
            closeQuietly(dtls); // sends close_notify
        }
        if (datagrams != null) {
            datagrams.close(); // wakes a handshake thread blocked in receive
        }
        server.removed(this);
        LOG.debug("WebRTC session {} closed: {}", credentials.localUfrag(), reason);
        try {
            listener.onClosed(reason);
        } catch (RuntimeException e) {
            LOG.warn("WebRTC session listener failed in onClosed", e);
        }
    }

    private static void closeQuietly(DTLSTransport t) {
        try {
            t.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS close: {}", e.toString());
        }
    }

}
