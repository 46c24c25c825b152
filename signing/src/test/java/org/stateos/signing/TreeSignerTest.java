package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.trust.JarSignatureVerifier;

class TreeSignerTest {

    @TempDir
    Path dir;

    @Test
    void signsEveryJarInTheTreeAndNothingElse() throws Exception {
        VendorKey vendor = TestKeys.vendor();
        Path system = dir.resolve("system");
        Path a = TestJars.bundle(Files.createDirectories(system.resolve("org/example/a/1.0")).resolve("a-1.0.jar"));
        Path b = TestJars.bundle(Files.createDirectories(system.resolve("org/example/b/2.0")).resolve("b-2.0.jar"));
        TestKeys.signAsOther(b, TestKeys.selfSigned("CN=Upstream"), "UPSTREAM");
        Path features = Files.writeString(system.resolve("org/example/a/1.0/a-1.0-features.xml"), "<features/>");

        TreeSigner.Report report = new TreeSigner(vendor).signTree(system);

        assertTrue(report.ok(), report.failures().toString());
        assertEquals(2, report.signed());
        assertTrue(report.millis() >= 0);
        assertTrue(JarSignatureVerifier.verify(a, vendor.certificate()).trusted());
        assertTrue(JarSignatureVerifier.verify(b, vendor.certificate()).trusted());
        assertEquals("<features/>", Files.readString(features));
    }

    @Test
    void reportsEveryJarThatCannotBeSignedAndSignsTheRest() throws Exception {
        VendorKey vendor = TestKeys.vendor();
        Path good = TestJars.bundle(dir.resolve("good.jar"));
        Files.writeString(dir.resolve("broken-1.jar"), "not a zip");
        Files.writeString(dir.resolve("broken-2.jar"), "not a zip either");

        TreeSigner.Report report = new TreeSigner(vendor).signTree(dir);

        assertFalse(report.ok());
        assertEquals(1, report.signed());
        assertEquals(2, report.failures().size(), report.failures().toString());
        assertTrue(report.failures().get(0).contains("broken-1.jar"), report.failures().get(0));
        assertTrue(JarSignatureVerifier.verify(good, vendor.certificate()).trusted());
    }

    @Test
    void aTreeWithoutJarsIsAnError() throws Exception {
        VendorKey signer = TestKeys.vendor();
        SigningException empty = assertThrows(SigningException.class, () -> new TreeSigner(signer).signTree(dir));
        assertTrue(empty.getMessage().contains("nothing to sign"), empty.getMessage());
        SigningException missing = assertThrows(SigningException.class,
                () -> new TreeSigner(signer).signTree(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("no directory"), missing.getMessage());
    }
}
