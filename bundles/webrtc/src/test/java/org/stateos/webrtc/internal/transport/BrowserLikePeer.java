package org.stateos.webrtc.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.stateos.webrtc.internal.dtls.DtlsCertificate;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpKeys;
import org.stateos.webrtc.internal.srtp.SrtpProfile;
import org.stateos.webrtc.internal.stun.StunIntegrity;
import org.stateos.webrtc.internal.stun.StunMessage;
import org.stateos.webrtc.internal.stun.StunWriter;

/**
 * What a browser does on the wire, over a real UDP socket: ICE checks as the controlling agent, the DTLS client
 * (Bouncy Castle's DTLSClientProtocol with use_srtp and its own certificate), then SRTP both ways.
 */
final class BrowserLikePeer implements AutoCloseable {
    static final String UFRAG = "brws";
    static final String PWD = "browserpassword0123456789";

    final DatagramSocket socket;
    final BcTlsCrypto crypto;
    final DtlsCertificate certificate;
    private final StunIntegrity integrity = new StunIntegrity();
    private final SecureRandom random = new SecureRandom();
    SrtpKeys keys;
    String serverFingerprintSeen;
    DTLSTransport dtls;

    BrowserLikePeer(InetSocketAddress server) throws IOException {
        this(server, InetAddress.getLoopbackAddress());
    }

    /** A peer sending from {@code local} (another loopback address, e.g. 127.0.0.2, is another source address). */
    BrowserLikePeer(InetSocketAddress server, InetAddress local) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(local, 0));
        socket.connect(server);
        socket.setSoTimeout(5000);
        crypto = new BcTlsCrypto(random);
        certificate = DtlsCertificate.generate(crypto, random);
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    String fingerprint() {
        return certificate.sha256Fingerprint();
    }

    /** Sends one binding request and returns the parsed answer (its integrity checked when it has one). */
    StunMessage check(String serverUfrag, String serverPwd, boolean useCandidate) throws Exception {
        byte[] tid = new byte[12];
        random.nextBytes(tid);
        SecretKeySpec key = StunIntegrity.key(serverPwd);
        ByteBuf req = StunWriter.bindingRequest(ByteBufAllocator.DEFAULT, tid, serverUfrag + ":" + UFRAG, 0x6e7f1eff,
                useCandidate, 0x1234_5678_9abc_def0L, key, integrity);
        try {
            send(req);
        } finally {
            req.release();
        }
        ByteBuf resp = Unpooled.wrappedBuffer(receive());
        StunMessage m = StunMessage.parse(resp);
        if (!Arrays.equals(tid, m.transactionId())) {
            throw new AssertionError("response to another transaction");
        }
        if (!integrity.fingerprintValid(resp, m)) {
            throw new AssertionError("bad FINGERPRINT in response");
        }
        if (m.hasIntegrity() && !integrity.integrityValid(resp, m, key)) {
            throw new AssertionError("bad MESSAGE-INTEGRITY in response");
        }
        return m;
    }

    void send(ByteBuf datagram) throws IOException {
        byte[] b = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), b);
        socket.send(new DatagramPacket(b, b.length));
    }

    byte[] receive() throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    /** Receives until a datagram with a first byte in 128..191 arrives (skipping DTLS retransmissions). */
    byte[] receiveSrtp() throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] d = receive();
            if ((d[0] & 0xFF) >= 128 && (d[0] & 0xFF) <= 191) {
                return d;
            }
        }
        throw new SocketTimeoutException("no SRTP within 5 s");
    }

    /** Runs the DTLS client handshake offering {@code profiles} in this order; sets {@link #keys}. */
    void handshake(List<SrtpProfile> profiles) throws IOException {
        dtls = new DTLSClientProtocol().connect(client(profiles), new UDPTransport(socket, 1500));
    }

    /** Sends a genuine ClientHello and nothing after it: a DTLS client that vanishes in the middle of its handshake. */
    void sendClientHelloOnly() throws IOException {
        byte[][] hello = new byte[1][];
        DatagramTransport capture = new DatagramTransport() {
            public int getReceiveLimit() {
                return 1500;
            }

            public int getSendLimit() {
                return 1500;
            }

            public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
                throw new IOException("this client stops after its ClientHello");
            }

            public void send(byte[] buf, int off, int len) {
                if (hello[0] == null) {
                    hello[0] = Arrays.copyOfRange(buf, off, off + len);
                }
            }

            public void close() {
            }
        };
        try {
            new DTLSClientProtocol().connect(client(List.of(SrtpProfile.AEAD_AES_128_GCM)), capture);
        } catch (IOException expected) {
            // the capture refuses to receive
        }
        socket.send(new DatagramPacket(hello[0], hello[0].length));
    }

    private DefaultTlsClient client(List<SrtpProfile> profiles) {
        return new DefaultTlsClient(crypto) {
            private SrtpProfile chosen;

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            @SuppressWarnings({"rawtypes", "unchecked"})
            public Hashtable getClientExtensions() throws IOException {
                Hashtable ext = super.getClientExtensions();
                if (ext == null) {
                    ext = new Hashtable();
                }
                int[] ids = profiles.stream().mapToInt(p -> p.dtlsId).toArray();
                TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
                return ext;
            }

            @Override
            public void processServerExtensions(Hashtable serverExtensions) throws IOException {
                super.processServerExtensions(serverExtensions);
                UseSRTPData d = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
                if (d == null || d.getProtectionProfiles().length != 1) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server answered no single SRTP profile");
                }
                chosen = SrtpProfile.byDtlsId(d.getProtectionProfiles()[0]);
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new TlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                        serverFingerprintSeen = DtlsCertificate.fingerprint("sha-256", sc.getCertificate().getCertificateAt(0).getEncoded());
                    }

                    @Override
                    public TlsCredentials getClientCredentials(CertificateRequest request) {
                        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                                certificate.privateKey(), certificate.chain(),
                                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                    }
                };
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                keys = SrtpKeys.fromKeyingMaterial(chosen,
                        context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, chosen.keyingMaterialBytes()));
            }
        };
    }

    /** The context this client protects with (its own, the client keys). */
    SrtpContext sender() {
        return new SrtpContext(keys.profile(), keys.clientKey(), keys.clientSalt());
    }

    /** The context this client unprotects the server's packets with. */
    SrtpContext receiver() {
        return new SrtpContext(keys.profile(), keys.serverKey(), keys.serverSalt());
    }

    @Override
    public void close() {
        socket.close();
    }
}
