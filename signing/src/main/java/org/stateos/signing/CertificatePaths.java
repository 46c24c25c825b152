package org.stateos.signing;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a signer certificate leads to the vendor anchor: it is the anchor itself, or PKIX builds and
 * validates a path from it through the offered intermediates to the anchor (the only trust anchor; revocation off:
 * the sealed appliance has no CRL or OCSP access). The signer must also be allowed to sign code.
 */
public final class CertificatePaths {

    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;

    private CertificatePaths() {}

    /** Returns normally when trusted; otherwise throws with the reason. */
    public static void requireChainToAnchor(X509Certificate signer, Collection<X509Certificate> offered,
                                            X509Certificate anchor, Date at) throws SigningException {
        requireCodeSigning(signer);
        if (signer.equals(anchor)) {
            try {
                signer.checkValidity(at);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                throw new SigningException("the vendor certificate is not valid at " + at.toInstant() + ": "
                        + e.getMessage(), e);
            }
            return;
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(signer);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(Set.of(new TrustAnchor(anchor, null)), target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(at);
            List<X509Certificate> certificates = new ArrayList<>(offered);
            certificates.add(signer);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(certificates)));
            CertPathBuilder.getInstance("PKIX").build(parameters);
        } catch (CertPathBuilderException e) {
            throw new SigningException("signer " + subject(signer) + " does not chain to the vendor anchor "
                    + subject(anchor) + " (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new SigningException("could not check the signer's certificate path: " + e.getMessage(), e);
        }
    }

    private static void requireCodeSigning(X509Certificate signer) throws SigningException {
        boolean[] keyUsage = signer.getKeyUsage();
        if (keyUsage != null && !keyUsage[DIGITAL_SIGNATURE]) {
            throw new SigningException("signer " + subject(signer) + " is not allowed to sign (no digitalSignature key usage)");
        }
        try {
            List<String> extendedKeyUsage = signer.getExtendedKeyUsage();
            if (extendedKeyUsage != null && !extendedKeyUsage.contains(CODE_SIGNING)
                    && !extendedKeyUsage.contains(ANY_EXTENDED_KEY_USAGE)) {
                throw new SigningException("signer " + subject(signer) + " is not allowed to sign code (no codeSigning usage)");
            }
        } catch (CertificateParsingException e) {
            throw new SigningException("signer certificate has an unreadable extended key usage", e);
        }
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
