package org.stateos.loadclient;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
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
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.stateos.webrtc.internal.dtls.DtlsCertificate;
import org.stateos.webrtc.internal.dtls.QueuedDatagramTransport;
import org.stateos.webrtc.internal.srtp.SrtpKeys;
import org.stateos.webrtc.internal.srtp.SrtpProfile;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * The DTLS 1.2 client of one viewer (Bouncy Castle's blocking {@link DTLSClientProtocol}, run on a setup thread):
 * offers use_srtp with both profiles (GCM first, as Chrome), presents the viewer's certificate, refuses a server
 * certificate whose fingerprint differs from the answer's {@code a=fingerprint}, and derives the SRTP keys from
 * the {@code EXTRACTOR-dtls_srtp} exporter.
 */
public final class DtlsClient {
    private static final int[] PROFILES = {SrtpProfile.AEAD_AES_128_GCM.dtlsId,
            SrtpProfile.AES_CM_128_HMAC_SHA1_80.dtlsId};

    /** The result: keys, and the DTLS connection (for close_notify at the end). */
    public record Connected(SrtpKeys keys, DTLSTransport dtls) {
    }

    static final int HANDSHAKE_TIMEOUT_MILLIS = 45_000;

    private DtlsClient() {
    }

    public static Connected connect(QueuedDatagramTransport transport, DtlsCertificate certificate,
            Fingerprint expected, BcTlsCrypto crypto) throws IOException {
        SrtpKeys[] keys = new SrtpKeys[1];
        DefaultTlsClient client = new DefaultTlsClient(crypto) {
            private SrtpProfile chosen;

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            /** A server that dropped the session mid-handshake must not hold a setup thread for ever. */
            @Override
            public int getHandshakeTimeoutMillis() {
                return HANDSHAKE_TIMEOUT_MILLIS;
            }

            @Override
            @SuppressWarnings({"rawtypes", "unchecked"})
            public Hashtable getClientExtensions() throws IOException {
                Hashtable ext = super.getClientExtensions();
                if (ext == null) {
                    ext = new Hashtable();
                }
                TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(PROFILES, TlsUtils.EMPTY_BYTES));
                return ext;
            }

            @Override
            @SuppressWarnings("rawtypes")
            public void processServerExtensions(Hashtable serverExtensions) throws IOException {
                super.processServerExtensions(serverExtensions);
                UseSRTPData d = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
                if (d == null || d.getProtectionProfiles().length != 1) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server chose no single SRTP profile");
                }
                chosen = SrtpProfile.byDtlsId(d.getProtectionProfiles()[0]);
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new TlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                        if (sc.getCertificate().isEmpty()) {
                            throw new TlsFatalAlert(AlertDescription.bad_certificate, "no server certificate");
                        }
                        String seen = DtlsCertificate.fingerprint(expected.algorithm(),
                                sc.getCertificate().getCertificateAt(0).getEncoded());
                        if (!seen.equalsIgnoreCase(expected.hex())) {
                            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                                    "server certificate fingerprint does not match the answer's a=fingerprint");
                        }
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
                keys[0] = SrtpKeys.fromKeyingMaterial(chosen,
                        context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, chosen.keyingMaterialBytes()));
            }
        };
        DTLSTransport dtls = new DTLSClientProtocol().connect(client, transport);
        return new Connected(keys[0], dtls);
    }

    /** One crypto object per process is enough: BC's is thread-safe. */
    public static BcTlsCrypto newCrypto() {
        return new BcTlsCrypto(new SecureRandom());
    }
}
