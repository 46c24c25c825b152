package org.stateos.signing;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;

/** Keys and foreign signatures for tests; every key is made at test time. */
final class TestKeys {

    static final String VENDOR_SUBJECT = VendorCertificates.DEVELOPMENT_SUBJECT;

    private static final VendorCertificates CERTIFICATES = new VendorCertificates();

    private TestKeys() {}

    static VendorKey vendor() throws SigningException {
        return CERTIFICATES.newVendorCa(VENDOR_SUBJECT, VendorCertificates.DEFAULT_DAYS);
    }

    static VendorKey selfSigned(String subject) throws SigningException {
        return CERTIFICATES.newVendorCa(subject, 365);
    }

    static VendorKey issue(VendorKey issuer, String subject, boolean ca) throws SigningException {
        return CERTIFICATES.issue(issuer, subject, 365, ca);
    }

    /**
     * Signs with the JDK's JarSigner directly, keeping whatever signatures the jar already has (as a third party
     * or an attacker would), under the given signer name.
     */
    static void signAsOther(Path jar, VendorKey key, String signerName) throws Exception {
        JarSigner signer = new JarSigner.Builder(key.privateKey(),
                CertificateFactory.getInstance("X.509").generateCertPath(key.chain()))
                .digestAlgorithm("SHA-256")
                .signatureAlgorithm("SHA256withECDSA")
                .signerName(signerName)
                .build();
        Path signed = jar.resolveSibling(jar.getFileName() + ".other");
        try (ZipFile zip = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(signed)) {
            signer.sign(zip, out);
        }
        Files.move(signed, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
