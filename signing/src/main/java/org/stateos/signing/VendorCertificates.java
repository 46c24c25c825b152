package org.stateos.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes vendor keys (ECDSA P-256) and their X.509 certificates: the self-signed vendor CA, and certificates it
 * (or an intermediate) issues. Every certificate is signed with SHA256withECDSA, carries a random 159-bit serial,
 * subject and authority key identifiers and the codeSigning extended key usage.
 */
public final class VendorCertificates {

    /** Subject of development keys made by the build. */
    public static final String DEVELOPMENT_SUBJECT = "CN=StateOS Development Vendor,O=StateOS";
    /** Twenty years, the default validity of a vendor certificate. */
    public static final int DEFAULT_DAYS = 20 * 365 + 5;
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Certificates start an hour back so a signer whose clock is slightly behind still accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final SecureRandom random;

    public VendorCertificates() {
        this(new SecureRandom());
    }

    public VendorCertificates(SecureRandom random) {
        this.random = random;
    }

    /** A new P-256 key pair. */
    public KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    /** A new key with a self-signed CA certificate: the vendor root, the trust anchor of the appliance. */
    public VendorKey newVendorCa(String subject, int days) throws SigningException {
        try {
            KeyPair pair = newKeyPair();
            X500Principal name = parseName(subject);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(Duration.ofDays(checkDays(days)))),
                    name, pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(pair.getPublic()));
            addUsage(builder, true);
            X509Certificate certificate = sign(builder, pair.getPrivate());
            return new VendorKey(pair.getPrivate(), certificate, List.of());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new SigningException("could not make the vendor certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A new key with a certificate issued by {@code issuer}. A {@code ca} certificate may issue further
     * certificates (an intermediate) and sign; otherwise it only signs (a leaf). Validity ends no later than the
     * issuer's.
     */
    public VendorKey issue(VendorKey issuer, String subject, int days, boolean ca) throws SigningException {
        if (issuer.certificate().getBasicConstraints() < 0) {
            throw new SigningException(issuer.subject() + " is not a CA certificate and cannot issue certificates");
        }
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            Instant notAfter = now.plus(Duration.ofDays(checkDays(days)));
            Instant issuerNotAfter = issuer.certificate().getNotAfter().toInstant();
            if (notAfter.isAfter(issuerNotAfter)) {
                notAfter = issuerNotAfter;
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.certificate(), serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), parseName(subject), pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuer.certificate()));
            addUsage(builder, ca);
            X509Certificate certificate = sign(builder, issuer.privateKey());
            return new VendorKey(pair.getPrivate(), certificate, issuer.chain());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new SigningException("could not issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static void addUsage(X509v3CertificateBuilder builder, boolean ca) throws CertIOException {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.digitalSignature : KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private BigInteger serial() {
        // 159 random bits: positive, at most 20 octets as RFC 5280 requires, and never zero in practice.
        return new BigInteger(159, random).setBit(0);
    }

    private static int checkDays(int days) throws SigningException {
        if (days < 1) {
            throw new SigningException("validity must be at least one day, was " + days);
        }
        return days;
    }

    /** Parsed as the JDK does (RFC 2253 order), so the subject prints back as it was written. */
    private static X500Principal parseName(String subject) throws SigningException {
        try {
            X500Principal name = new X500Principal(subject);
            if (name.getEncoded().length <= 2) {
                throw new SigningException("empty certificate subject");
            }
            return name;
        } catch (IllegalArgumentException e) {
            throw new SigningException("not a distinguished name: \"" + subject + "\" (example: "
                    + DEVELOPMENT_SUBJECT + ")", e);
        }
    }
}
