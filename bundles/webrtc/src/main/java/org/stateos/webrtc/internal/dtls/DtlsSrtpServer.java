package org.stateos.webrtc.internal.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.stateos.webrtc.internal.srtp.SrtpKeys;
import org.stateos.webrtc.internal.srtp.SrtpProfile;

/**
 * The DTLS 1.2 server side of DTLS-SRTP (RFC 5763, RFC 5764) for one peer. We answer {@code a=setup:passive}, so
 * the browser is the DTLS client. The server:
 * <ul>
 *   <li>offers only ECDHE-ECDSA suites with the node's P-256 certificate;</li>
 *   <li>requires a client certificate and accepts it only if its fingerprint equals the SDP's
 *       {@code a=fingerprint} (any other, or none, fails the handshake with bad_certificate);</li>
 *   <li>negotiates use_srtp, choosing the first profile of its own preference list the client offers;</li>
 *   <li>exports "EXTRACTOR-dtls_srtp" keying material when the handshake completes.</li>
 * </ul>
 */
public final class DtlsSrtpServer extends DefaultTlsServer {
    private static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    private final BcTlsCrypto bcCrypto;
    private final DtlsCertificate certificate;
    private final String remoteFingerprintAlgorithm;
    private final String remoteFingerprint;
    private final List<SrtpProfile> preference;
    private final int handshakeTimeoutMillis;
    private SrtpProfile selected;
    private volatile SrtpKeys keys;
    private volatile String failure;
    private volatile boolean closeNotifyReceived;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, String remoteFingerprintAlgorithm,
            String remoteFingerprint, List<SrtpProfile> preference, int handshakeTimeoutMillis) {
        super(crypto);
        this.bcCrypto = crypto;
        this.certificate = certificate;
        this.remoteFingerprintAlgorithm = remoteFingerprintAlgorithm;
        this.remoteFingerprint = remoteFingerprint;
        this.preference = List.copyOf(preference);
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** The SRTP keys, once the handshake completed. */
    public SrtpKeys keys() {
        return keys;
    }

    /** Why the handshake failed, in words for the log and onClosed, or null. */
    public String failure() {
        return failure;
    }

    /** The peer sent close_notify (or a fatal alert). */
    public boolean closedByPeer() {
        return closeNotifyReceived;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), bcCrypto, certificate.privateKey(),
                certificate.chain(), SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw fail(AlertDescription.handshake_failure, "the client sent no certificate");
        }
        String actual;
        try {
            actual = DtlsCertificate.fingerprint(remoteFingerprintAlgorithm, clientCertificate.getCertificateAt(0).getEncoded());
        } catch (IllegalArgumentException e) {
            throw fail(AlertDescription.bad_certificate, e.getMessage());
        }
        if (!actual.equalsIgnoreCase(remoteFingerprint)) {
            throw fail(AlertDescription.bad_certificate,
                    "client certificate fingerprint does not match the SDP a=fingerprint");
        }
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw fail(AlertDescription.handshake_failure, "the client offered no use_srtp extension");
        }
        for (SrtpProfile p : preference) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == p.dtlsId) {
                    selected = p;
                    return;
                }
            }
        }
        throw fail(AlertDescription.handshake_failure, "no SRTP protection profile in common with the client");
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {selected.dtlsId}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, selected.keyingMaterialBytes());
        keys = SrtpKeys.fromKeyingMaterial(selected, material);
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        if (description == AlertDescription.close_notify || level == AlertLevel.fatal) {
            closeNotifyReceived = true;
            if (failure == null && level == AlertLevel.fatal) {
                failure = "peer sent DTLS alert " + AlertDescription.getText(description);
            }
        }
    }

    @Override
    public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
        if (failure == null && level == AlertLevel.fatal) {
            failure = "DTLS alert " + AlertDescription.getText(description) + (message == null ? "" : ": " + message);
        }
    }

    private TlsFatalAlert fail(short alert, String why) {
        failure = why;
        return new TlsFatalAlert(alert, why);
    }
}
