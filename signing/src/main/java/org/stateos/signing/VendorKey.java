package org.stateos.signing;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A signing key and its certificate, with the certificates that issued it (nearest first; empty when the
 * certificate is self-signed, as the vendor root is).
 */
public record VendorKey(PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> issuers) {

    public VendorKey {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(certificate, "certificate");
        issuers = List.copyOf(issuers);
    }

    /** The certificate followed by its issuers: the path that goes into a signature. */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>(issuers.size() + 1);
        chain.add(certificate);
        chain.addAll(issuers);
        return List.copyOf(chain);
    }

    /** The certificate's subject, as RFC 2253 text. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }
}
