package org.stateos.signing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** How the CLI shows a certificate to an operator: subject, validity end and SHA-256 fingerprint. */
final class CertificateText {

    private CertificateText() {}

    static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + ", valid until "
                + certificate.getNotAfter().toInstant() + ", SHA-256 fingerprint " + fingerprint(certificate);
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }
}
