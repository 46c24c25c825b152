package org.stateos.loadclient;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.stateos.webrtc.internal.dtls.DtlsCertificate;
import org.stateos.webrtc.internal.dtls.QueuedDatagramTransport;
import org.stateos.webrtc.internal.rtcp.RtcpException;
import org.stateos.webrtc.internal.rtcp.RtcpPacket;
import org.stateos.webrtc.internal.rtcp.RtcpParser;
import org.stateos.webrtc.internal.rtcp.RtcpWriter;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpException;

/**
 * One WHEP viewer: offer, answer, ICE checks and consent, DTLS handshake, SRTP reception with loss, jitter and
 * keyframe accounting, RTCP receiver reports and NACKs, DELETE at the end. Signalling and the handshake run on
 * the setup executor; everything else on its {@link Reactor}'s thread.
 */
public final class Viewer {
    public enum State { NEW, CHECKING, HANDSHAKE, CONNECTED, CLOSED, FAILED }

    static final long ICE_TIMEOUT_NANOS = 15_000_000_000L;
    static final long CONSENT_TIMEOUT_NANOS = 30_000_000_000L;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;

    final int index;
    private final SecureRandom random;
    private final BcTlsCrypto crypto;
    private final String ufrag;
    private final String pwd;
    private final int ssrc;
    private final String cname;
    private volatile State state = State.NEW;
    private volatile String failure;

    private DtlsCertificate certificate;
    private DatagramChannel channel;
    private Answer answer;
    private Signalling.Remote remote;
    private InetSocketAddress serverAddress;
    private IceAgent ice;
    private QueuedDatagramTransport dtlsTransport;
    private volatile DTLSTransport dtls;
    private volatile SrtpContext receiver;
    private volatile SrtpContext sender;

    // reactor-thread state
    private final RtpReceiveStats video = new RtpReceiveStats(90_000);
    private final RtpReceiveStats audio = new RtpReceiveStats(48_000);
    private final H264KeyframeDetector keyframes = new H264KeyframeDetector();
    private int videoSsrc;
    private int audioSsrc;
    private long videoLastSr;
    private long videoLastSrAt;
    private long audioLastSr;
    private long audioLastSrAt;
    private volatile long createdNanos;
    private volatile long connectedNanos;
    private long firstRtpNanos;
    private org.stateos.loadclient.latency.SeiStampReader stamps;
    private long firstIdrNanos;
    private long checkStart;
    private long nextCheck;
    private long checkInterval = 50_000_000L;
    private long nextConsent;
    private long lastConsentOk;
    private long nextReport;
    private long srtpErrors;
    private long srtcpErrors;
    private String lastCryptoError;
    private long rtcpSent;
    private long nacksSent;
    private long nackedPackets;
    private long otherPackets;

    public Viewer(int index, SecureRandom random, BcTlsCrypto crypto) {
        this.index = index;
        this.random = random;
        this.crypto = crypto;
        this.ufrag = token(6);
        this.pwd = token(24);
        this.ssrc = random.nextInt();
        this.cname = "load-" + index + "-" + token(4);
    }

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public State state() {
        return state;
    }

    public String failure() {
        return failure;
    }

    DatagramChannel channel() {
        return channel;
    }

    /**
     * Setup thread: certificate, signalling (WHEP: offer → answer; Janus: its offer), UDP channel connected to the
     * server's candidate, then whatever the signalling still owes (Janus: our answer); then joins {@code reactor}
     * to run ICE.
     */
    public void open(Signalling signalling, Reactor reactor, Executor handshakes) {
        try {
            certificate = DtlsCertificate.generate(crypto, random);
            Signalling.Local local = new Signalling.Local(ufrag, pwd, certificate.sha256Fingerprint(),
                    random.nextLong() & Long.MAX_VALUE);
            remote = signalling.open(local);
            createdNanos = System.nanoTime();
            answer = remote.description();
            ice = new IceAgent(ufrag, pwd, answer.iceUfrag(), answer.icePwd(), random);
            InetSocketAddress server = pickCandidate(signalling.host());
            channel = DatagramChannel.open();
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(new InetSocketAddress(0));
            channel.connect(server);
            serverAddress = server;
            signalling.connected(remote, local, (InetSocketAddress) channel.getLocalAddress());
            dtlsTransport = new QueuedDatagramTransport(d -> channel.write(ByteBuffer.wrap(d)));
            this.handshakes = handshakes;
            state = State.CHECKING;
            reactor.add(this);
        } catch (Exception e) {
            fail("setup: " + e.getMessage());
        }
    }

    private Executor handshakes;

    /** The answer's candidate on the URL's host if there is one (what the operator addressed), else the first. */
    private InetSocketAddress pickCandidate(String host) {
        for (InetSocketAddress c : answer.candidates()) {
            if (c.getHostString().equals(host) || (c.getAddress() != null && c.getAddress().getHostAddress().equals(host))) {
                return c;
            }
        }
        return answer.candidates().get(0);
    }

    void fail(String reason) {
        if (state != State.FAILED && state != State.CLOSED) {
            failure = reason;
            state = State.FAILED;
        }
    }

    // ------------------------------------------------------------------ reactor thread

    void onReadable(Reactor r, long now) {
        try {
            while (true) {
                r.inNio.clear();
                int n = channel.read(r.inNio);
                if (n <= 0) {
                    return;
                }
                onDatagram(r, n, now);
            }
        } catch (IOException e) {
            fail("UDP: " + e);
        }
    }

    private void onDatagram(Reactor r, int n, long now) {
        ByteBuf b = r.inBuf.setIndex(0, n);
        int first = r.in[0] & 0xFF;
        if (first <= 3) {
            ByteBuf reply = ice.answerRequest(b, serverAddress, r.integrity);
            if (reply != null) {
                sendStun(reply);
                return;
            }
            if (ice.onResponse(b, r.integrity)) {
                lastConsentOk = now;
                if (state == State.CHECKING) {
                    state = State.HANDSHAKE;
                    nextConsent = now + consentInterval();
                    handshakes.execute(this::handshake);
                }
            }
        } else if (first >= 20 && first <= 63) {
            if (state == State.HANDSHAKE) {
                dtlsTransport.offer(java.util.Arrays.copyOf(r.in, n));
            }
        } else if (first >= 128 && first <= 191 && state == State.CONNECTED) {
            int second = r.in[1] & 0xFF;
            if (second >= 192 && second <= 223) {
                onSrtcp(b, now);
            } else {
                onSrtp(r, b, n, now);
            }
        } else {
            otherPackets++;
        }
    }

    private void onSrtp(Reactor r, ByteBuf b, int wireBytes, long now) {
        try {
            receiver.unprotectRtp(b);
        } catch (SrtpException e) {
            srtpErrors++;
            lastCryptoError = "SRTP: " + e.getMessage();
            return;
        }
        byte[] p = r.in;
        int len = b.readableBytes();
        int header = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0 && len >= header + 4) {
            header += 4 + 4 * (((p[header + 2] & 0xFF) << 8) | (p[header + 3] & 0xFF));
        }
        int padding = (p[0] & 0x20) != 0 ? p[len - 1] & 0xFF : 0;
        int payloadLength = len - header - padding;
        if (payloadLength < 0) {
            srtpErrors++;
            return;
        }
        int pt = p[1] & 0x7F;
        boolean marker = (p[1] & 0x80) != 0;
        int seq = b.getUnsignedShort(2);
        int ts = b.getInt(4);
        if (firstRtpNanos == 0) {
            firstRtpNanos = now;
        }
        if (pt == answer.videoPayloadType()) {
            videoSsrc = b.getInt(8);
            video.onPacket(seq, ts, now, wireBytes);
            if (keyframes.onPacket(seq, ts, marker, p, header, payloadLength) && firstIdrNanos == 0) {
                firstIdrNanos = now;
            }
            if (stamps != null) {
                stamps.onPacket(ts, marker, p, header, payloadLength); // glass-to-glass latency (latency/)
            }
        } else if (pt == answer.audioPayloadType()) {
            audioSsrc = b.getInt(8);
            audio.onPacket(seq, ts, now, wireBytes);
        } else {
            otherPackets++;
        }
    }

    private void onSrtcp(ByteBuf b, long now) {
        try {
            receiver.unprotectRtcp(b);
            for (RtcpPacket packet : RtcpParser.parse(b)) {
                if (packet instanceof RtcpPacket.SenderReport sr) {
                    long middle = (sr.ntpTimestamp() >>> 16) & 0xFFFF_FFFFL;
                    if (sr.ssrc() == videoSsrc || videoSsrc == 0 && audioSsrc != sr.ssrc()) {
                        videoLastSr = middle;
                        videoLastSrAt = now;
                    } else {
                        audioLastSr = middle;
                        audioLastSrAt = now;
                    }
                }
            }
        } catch (SrtpException | RtcpException e) {
            srtcpErrors++;
            lastCryptoError = "SRTCP: " + e.getMessage();
        }
    }

    void tick(Reactor r, long now) {
        State s = state;
        if (s == State.CHECKING) {
            if (checkStart == 0) {
                checkStart = now;
                nextCheck = now;
            }
            if (now - checkStart > ICE_TIMEOUT_NANOS) {
                fail("ICE: no answer to checks for 15 s" + (ice.lastError() != 0 ? " (last error " + ice.lastError() + ")" : ""));
            } else if (now - nextCheck >= 0) {
                sendStun(ice.request(true, r.integrity));
                nextCheck = now + checkInterval;
                checkInterval = Math.min(checkInterval * 2, 500_000_000L);
            }
            return;
        }
        if (s != State.HANDSHAKE && s != State.CONNECTED) {
            return;
        }
        if (now - lastConsentOk > CONSENT_TIMEOUT_NANOS) {
            fail("consent lost: no answer to checks for 30 s");
            return;
        }
        if (now - nextConsent >= 0) {
            sendStun(ice.request(false, r.integrity));
            nextConsent = now + consentInterval();
        }
        if (s == State.CONNECTED) {
            if (nextReport == 0 || now - nextReport >= 0) {
                nextReport = now + REPORT_INTERVAL_NANOS;
                sendReport(r, now);
            }
            if (videoSsrc != 0) {
                int[] missing = video.takeMissing();
                if (missing.length > 0) {
                    ByteBuf out = r.out.clear();
                    RtcpFeedback.nack(out, ssrc, videoSsrc, missing);
                    if (sendRtcp(out)) {
                        nacksSent++;
                        nackedPackets += missing.length;
                    }
                }
            }
        }
    }

    /** RFC 7675: consent checks every 4–6 s (randomized 5 s). */
    private long consentInterval() {
        return 4_000_000_000L + (long) (random.nextDouble() * 2_000_000_000L);
    }

    private void sendReport(Reactor r, long now) {
        ByteBuf out = r.out.clear();
        java.util.List<RtcpFeedback.Block> blocks = new java.util.ArrayList<>(2);
        if (video.started()) {
            blocks.add(new RtcpFeedback.Block(videoSsrc, video, videoLastSr, now - videoLastSrAt));
        }
        if (audio.started()) {
            blocks.add(new RtcpFeedback.Block(audioSsrc, audio, audioLastSr, now - audioLastSrAt));
        }
        RtcpFeedback.receiverReport(out, ssrc, blocks.toArray(RtcpFeedback.Block[]::new));
        RtcpWriter.sdesCname(out, ssrc, cname);
        if (sendRtcp(out)) {
            rtcpSent++;
        }
    }

    private boolean sendRtcp(ByteBuf out) {
        try {
            sender.protectRtcp(out);
            channel.write(out.nioBuffer());
            return true;
        } catch (SrtpException | IOException e) {
            return false;
        }
    }

    private void sendStun(ByteBuf req) {
        try {
            channel.write(req.nioBuffer());
        } catch (IOException e) {
            fail("UDP: " + e);
        } finally {
            req.release();
        }
    }

    // ------------------------------------------------------------------ setup thread

    private void handshake() {
        try {
            DtlsClient.Connected c = DtlsClient.connect(dtlsTransport, certificate, answer.fingerprint(), crypto);
            dtlsTransport.nonBlocking();
            var k = c.keys();
            receiver = new SrtpContext(k.profile(), k.serverKey(), k.serverSalt());
            sender = new SrtpContext(k.profile(), k.clientKey(), k.clientSalt());
            dtls = c.dtls();
            connectedNanos = System.nanoTime();
            if (state == State.HANDSHAKE) {
                state = State.CONNECTED;
            }
        } catch (Exception e) {
            fail("DTLS: " + e);
        }
    }

    // ------------------------------------------------------------------ after the reactor stopped

    /** Ends the viewer: DTLS close_notify, DELETE (or Janus destroy), channel closed. Returns its status (-1 none). */
    public int close(Signalling signalling) {
        int status = -1;
        DTLSTransport d = dtls;
        if (d != null) {
            try {
                d.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        if (dtlsTransport != null) {
            dtlsTransport.close();
        }
        if (remote != null) {
            status = signalling.close(remote);
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        if (state != State.FAILED) {
            state = State.CLOSED;
        }
        return status;
    }

    /** Reads the publisher's wall-clock stamps from the video (set before {@link #open}). */
    public void readStamps(org.stateos.loadclient.latency.SeiStampReader reader) {
        this.stamps = reader;
    }

    /** Figures up to {@code stopNanos}; call after the reactor stopped. */
    public ViewerResult result(long stopNanos) {
        double seconds = firstRtpNanos == 0 ? 0 : (stopNanos - firstRtpNanos) / 1e9;
        return new ViewerResult(index, state.name(), failure,
                connectedNanos == 0 ? -1 : (connectedNanos - createdNanos) / 1e6,
                firstIdrNanos == 0 ? -1 : (firstIdrNanos - createdNanos) / 1e6,
                seconds, video.received(), video.bytes(), video.expected(), video.lost(), video.gaps(),
                video.reordered(), video.jitterMillis(), keyframes.completeIdrFrames(),
                audio.received(), audio.bytes(), audio.lost(), audio.jitterMillis(),
                nacksSent, nackedPackets, rtcpSent, srtpErrors, srtcpErrors, lastCryptoError, otherPackets,
                receiver == null ? null : receiver.profile().name());
    }
}
