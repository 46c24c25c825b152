package org.stateos.trust.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The vendor certificate, read from this bundle's own entry {@value #ENTRY}. The assembly build puts it there
 * before it signs the trust jar. When it is missing or unreadable the gate has no anchor and refuses everything.
 *
 * @param certificate the anchor, or null when it could not be read
 * @param fingerprint SHA-256 of the certificate's DER encoding (hex), part of every verdict cache key; "" if none
 * @param problem     why there is no anchor; null when there is one
 */
record VendorAnchor(X509Certificate certificate, String fingerprint, String problem) {

    static final String ENTRY = "OSGI-INF/vendor-anchor.pem";
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";
    private static final int MAX_PEM_BYTES = 64 * 1024;

    boolean present() {
        return certificate != null;
    }

    static VendorAnchor missing(String problem) {
        return new VendorAnchor(null, "", problem);
    }

    static VendorAnchor of(X509Certificate certificate) {
        try {
            return new VendorAnchor(certificate, Sha256.of(certificate.getEncoded()), null);
        } catch (CertificateEncodingException e) {
            return missing("the vendor certificate cannot be encoded: " + e.getMessage());
        }
    }

    /** Reads the anchor from {@code entry} (the bundle's {@value #ENTRY}, possibly null). Never throws. */
    static VendorAnchor load(URL entry) {
        if (entry == null) {
            return missing(ENTRY + " is missing from the trust bundle");
        }
        try (InputStream in = entry.openStream()) {
            byte[] bytes = in.readNBytes(MAX_PEM_BYTES + 1);
            if (bytes.length > MAX_PEM_BYTES) {
                return missing(ENTRY + " is larger than " + MAX_PEM_BYTES + " bytes");
            }
            return fromPem(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return missing(ENTRY + " cannot be read: " + e);
        }
    }

    /** Parses the first PEM certificate in {@code pem}. Never throws. */
    static VendorAnchor fromPem(String pem) {
        int begin = pem.indexOf(BEGIN);
        int end = begin < 0 ? -1 : pem.indexOf(END, begin);
        if (begin < 0 || end < 0) {
            return missing(ENTRY + " holds no PEM certificate");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return of(certificate);
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            return missing(ENTRY + " is not a valid X.509 certificate: " + e.getMessage());
        }
    }
}
