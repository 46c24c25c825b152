package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VendorKeyTest {

    @TempDir
    Path dir;

    @Test
    void vendorCaCertificateIsASelfSignedP256CodeSigningCaValidTwentyYears() throws Exception {
        VendorKey key = TestKeys.vendor();
        X509Certificate certificate = key.certificate();

        certificate.verify(certificate.getPublicKey());
        assertEquals("CN=StateOS Development Vendor,O=StateOS", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertTrue(certificate.getBasicConstraints() >= 0, "basicConstraints CA:true");
        boolean[] usage = certificate.getKeyUsage();
        assertTrue(usage[0], "digitalSignature");
        assertTrue(usage[5], "keyCertSign");
        assertEquals(List.of("1.3.6.1.5.5.7.3.3"), certificate.getExtendedKeyUsage());
        assertTrue(certificate.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints is critical");
        Duration validity = Duration.between(Instant.now(), certificate.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 20 * 365 - 1 && validity.toDays() <= 20 * 365 + 6, "about 20 years: " + validity);
        assertTrue(certificate.getSerialNumber().signum() > 0);
        assertNotEquals(certificate.getSerialNumber(), TestKeys.vendor().certificate().getSerialNumber(), "random serial");
    }

    @Test
    void keyDirectoryRoundTripKeepsKeyAndCertificateAndProtectsTheKey() throws Exception {
        VendorKey key = TestKeys.vendor();
        KeyDirectory directory = new KeyDirectory(dir.resolve("vendor"));
        directory.save(key);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.keyFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.directory())));
        String pem = Files.readString(directory.keyFile());
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM: " + pem);
        assertTrue(Files.readString(directory.certificateFile()).startsWith("-----BEGIN CERTIFICATE-----"));
        assertFalse(Files.exists(directory.chainFile()), "a root has no chain file");
        try (var files = Files.list(directory.directory())) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }

        VendorKey loaded = directory.load();
        assertEquals(key.certificate(), loaded.certificate());
        assertArrayEquals(key.privateKey().getEncoded(), loaded.privateKey().getEncoded());
        assertEquals(List.of(), loaded.issuers());
    }

    @Test
    void refusesToOverwriteAnExistingKey() throws Exception {
        KeyDirectory directory = new KeyDirectory(dir);
        directory.save(TestKeys.vendor());
        byte[] before = Files.readAllBytes(directory.keyFile());

        SigningException e = assertThrows(SigningException.class, () -> directory.save(TestKeys.vendor()));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(directory.keyFile()));
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
        KeyDirectory first = new KeyDirectory(dir.resolve("a"));
        KeyDirectory second = new KeyDirectory(dir.resolve("b"));
        first.save(TestKeys.vendor());
        second.save(TestKeys.vendor());
        Files.copy(second.keyFile(), first.keyFile(), StandardCopyOption.REPLACE_EXISTING);

        SigningException e = assertThrows(SigningException.class, first::load);
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void issuesAChainFromVendorThroughIntermediateToLeaf() throws Exception {
        VendorKey root = TestKeys.vendor();
        VendorKey intermediate = TestKeys.issue(root, "CN=StateOS Release Signing CA,O=StateOS", true);
        VendorKey leaf = TestKeys.issue(intermediate, "CN=StateOS Build 42,O=StateOS", false);

        intermediate.certificate().verify(root.certificate().getPublicKey());
        leaf.certificate().verify(intermediate.certificate().getPublicKey());
        assertEquals(root.certificate().getSubjectX500Principal(), intermediate.certificate().getIssuerX500Principal());
        assertTrue(intermediate.certificate().getBasicConstraints() >= 0);
        assertEquals(-1, leaf.certificate().getBasicConstraints(), "a leaf is not a CA");
        assertFalse(leaf.certificate().getKeyUsage()[5], "a leaf may not sign certificates");
        assertEquals(List.of(leaf.certificate(), intermediate.certificate(), root.certificate()), leaf.chain());
        assertFalse(leaf.certificate().getNotAfter().after(root.certificate().getNotAfter()));

        KeyDirectory directory = new KeyDirectory(dir.resolve("leaf"));
        directory.save(leaf);
        assertTrue(Files.exists(directory.chainFile()));
        assertEquals(leaf.chain(), directory.load().chain());

        SigningException e = assertThrows(SigningException.class, () -> TestKeys.issue(leaf, "CN=Nope", false));
        assertTrue(e.getMessage().contains("not a CA"), e.getMessage());
    }

    @Test
    void refusesAMalformedSubject() {
        SigningException e = assertThrows(SigningException.class,
                () -> new VendorCertificates().newVendorCa("not a name", 10));
        assertTrue(e.getMessage().contains("not a distinguished name"), e.getMessage());
    }
}
