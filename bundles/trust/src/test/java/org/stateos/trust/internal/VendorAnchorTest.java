package org.stateos.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.trust.TestPki;
import org.stateos.trust.TestPki.Identity;

class VendorAnchorTest {

    @TempDir
    Path dir;

    @Test
    void readsThePemCertificateAndFingerprintsIt() throws Exception {
        Identity vendor = TestPki.selfSigned(TestPki.VENDOR);
        Path pem = Files.writeString(dir.resolve("vendor-anchor.pem"), "comment\n" + TestPki.pem(vendor.certificate()));
        VendorAnchor anchor = VendorAnchor.load(pem.toUri().toURL());
        assertTrue(anchor.present(), anchor::problem);
        assertEquals(vendor.certificate(), anchor.certificate());
        assertEquals(Sha256.of(vendor.certificate().getEncoded()), anchor.fingerprint());
    }

    @Test
    void hasNoAnchorWhenTheEntryIsMissingOrNotACertificate() throws IOException {
        assertFalse(VendorAnchor.load(null).present());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        VendorAnchor anchor = VendorAnchor.load(garbage.toUri().toURL());
        assertFalse(anchor.present());
        assertTrue(anchor.problem().contains("not a valid X.509 certificate"), anchor::problem);
        assertFalse(VendorAnchor.fromPem("no pem here").present());
    }
}
