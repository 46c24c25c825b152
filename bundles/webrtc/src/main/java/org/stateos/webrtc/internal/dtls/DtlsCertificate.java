package org.stateos.webrtc.internal.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The node's DTLS identity for WebRTC: an ECDSA P-256 key and a self-signed certificate, made once when the
 * transport starts (RFC 8827 6.5: WebRTC endpoints authenticate by the SDP fingerprint, not by a CA). The key
 * lives in memory only and never touches etc/ or the disk.
 */
public final class DtlsCertificate {
    private final AsymmetricKeyParameter privateKey;
    private final Certificate chain;
    private final byte[] der;
    private final String sha256;

    private DtlsCertificate(AsymmetricKeyParameter privateKey, Certificate chain, byte[] der) {
        this.privateKey = privateKey;
        this.chain = chain;
        this.der = der;
        this.sha256 = fingerprint("sha-256", der);
    }

    /** Makes a fresh key pair and certificate (JDK key generation and signing, BC certificate building). */
    public static DtlsCertificate generate(BcTlsCrypto crypto, SecureRandom random) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair kp = kpg.generateKeyPair();
            X500Name name = new X500Name("CN=StateOS WebRTC");
            Instant now = Instant.now();
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, new BigInteger(63, random).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            byte[] der = holder.getEncoded();
            TlsCertificate cert = new BcTlsCertificate(crypto, der);
            return new DtlsCertificate(PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()),
                    new Certificate(new TlsCertificate[] {cert}), der);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the DTLS certificate", e);
        }
    }

    public AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    public Certificate chain() {
        return chain;
    }

    public byte[] der() {
        return der.clone();
    }

    /** The SHA-256 fingerprint for a=fingerprint: colon-separated upper-case hex. */
    public String sha256Fingerprint() {
        return sha256;
    }

    /**
     * The fingerprint of a DER certificate with an SDP hash function name (RFC 8122: sha-1, sha-224, sha-256,
     * sha-384, sha-512), as colon-separated upper-case hex.
     *
     * @throws IllegalArgumentException for a hash function the JDK does not have or SDP does not name
     */
    public static String fingerprint(String sdpAlgorithm, byte[] der) {
        String jdk = switch (sdpAlgorithm.toLowerCase(Locale.ROOT)) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash function '" + sdpAlgorithm + "'");
        };
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance(jdk).digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("the JDK has no " + jdk, e);
        }
    }
}
