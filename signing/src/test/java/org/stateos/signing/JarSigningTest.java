package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.trust.JarSignatureVerifier;
import org.stateos.trust.VerificationResult;

class JarSigningTest {

    private static VendorKey vendor;
    private static final RealJarsigner JARSIGNER = new RealJarsigner();

    @TempDir
    Path dir;

    @BeforeAll
    static void makeVendorKey() throws SigningException {
        vendor = TestKeys.vendor();
    }

    private Path signedBundle(String name) throws Exception {
        Path jar = TestJars.bundle(dir.resolve(name));
        new VendorJarSigner(vendor).sign(jar);
        return jar;
    }

    @Test
    void signedJarIsAcceptedByJarsignerAndByTheTrustVerifier() throws Exception {
        Path jar = signedBundle("demo.jar");

        RealJarsigner.Result plain = JARSIGNER.verify(jar);
        assertTrue(plain.output().contains("jar verified."), plain.output());
        assertEquals(0, plain.exitCode(), plain.output());
        RealJarsigner.Result strict = JARSIGNER.verifyAgainst(jar, vendor.certificate(), dir);
        assertTrue(strict.accepted(), strict.output());

        VerificationResult result = JarSignatureVerifier.verify(jar, vendor.certificate());
        assertTrue(result.trusted(), result.reason());
        assertEquals(vendor.certificate().getSubjectX500Principal(), new X500Principal(result.signer()));
    }

    @Test
    void signatureUsesStandardNamesAndAlgorithms() throws Exception {
        Path jar = signedBundle("demo.jar");
        List<String> names = TestJars.names(jar);
        assertEquals(JarFile.MANIFEST_NAME, names.get(0));
        assertTrue(names.contains("META-INF/STATEOS.SF"), names.toString());
        assertTrue(names.contains("META-INF/STATEOS.EC"), names.toString());
        String sf = TestJars.text(TestJars.read(jar, "META-INF/STATEOS.SF"));
        assertTrue(sf.contains("SHA-256-Digest-Manifest: "), sf);
        String manifest = TestJars.text(TestJars.read(jar, JarFile.MANIFEST_NAME));
        assertTrue(manifest.contains("Name: org/example/demo/Api.class\r\nSHA-256-Digest: "), manifest);
        RealJarsigner.Result verbose = JARSIGNER.verify(jar);
        assertTrue(verbose.output().contains("SHA256withECDSA"), verbose.output());
    }

    @Test
    void keepsEveryManifestHeaderValueInOrderAndEveryEntryUnchanged() throws Exception {
        Path original = TestJars.bundle(dir.resolve("original.jar"));
        Path jar = Files.copy(original, dir.resolve("signed.jar"));
        new VendorJarSigner(vendor).sign(jar);

        try (JarFile signed = new JarFile(jar.toFile()); JarFile unsigned = new JarFile(original.toFile())) {
            Attributes before = unsigned.getManifest().getMainAttributes();
            Attributes after = signed.getManifest().getMainAttributes();
            assertEquals(List.copyOf(before.entrySet()), List.copyOf(after.entrySet()), "same headers, values, order");
            assertEquals("Demo bundle with a long name that wraps past seventy-two bytes in the manifest, continued",
                    after.getValue("Bundle-Name"));
            assertEquals("true", signed.getManifest().getAttributes("org/example/demo/Sealed.class").getValue("Sealed"));
        }
        for (String name : TestJars.names(original)) {
            if (!name.equals(JarFile.MANIFEST_NAME)) {
                assertArrayEquals(TestJars.read(original, name), TestJars.read(jar, name), name);
            }
        }
    }

    @Test
    void keepsAStandardlyFoldedMainSectionByteForByte() throws Exception {
        // Manifests written by java.util.jar, bnd and the maven-archiver fold lines at 72 bytes; JarSigner writes the
        // same folding, so the main section comes out byte for byte. (A manifest folded elsewhere keeps its header
        // values, but JarSigner re-folds it at 72 bytes.)
        Manifest manifest = new Manifest(new ByteArrayInputStream(
                TestJars.BUNDLE_MANIFEST.getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        manifest.write(canonical);
        Path original = TestJars.bundle(dir.resolve("original.jar"), canonical.toString(StandardCharsets.UTF_8), 7);
        Path jar = Files.copy(original, dir.resolve("signed.jar"));
        new VendorJarSigner(vendor).sign(jar);

        byte[] before = TestJars.read(original, JarFile.MANIFEST_NAME);
        byte[] after = TestJars.read(jar, JarFile.MANIFEST_NAME);
        assertEquals(TestJars.text(TestJars.mainSection(before)), TestJars.text(TestJars.mainSection(after)));
    }

    @Test
    void resigningAJarSignedByOthersLeavesOnlyTheVendorSigner() throws Exception {
        Path jar = TestJars.bundle(dir.resolve("third-party.jar"));
        TestKeys.signAsOther(jar, TestKeys.selfSigned("CN=Legion of the Bouncy Castle"), "BC2048KE");
        TestKeys.signAsOther(jar, TestKeys.selfSigned("CN=Someone Else"), "OTHER");
        Path sig = dir.resolve("extra");
        TestJars.rewrite(jar, sig, (name, content) -> content, Map.of("META-INF/SIG-LEGACY.SF", new byte[] {1, 2, 3}));
        Files.move(sig, jar, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(2, TestJars.signerCertificates(jar).size(), "precondition: two foreign signers");

        int removed = new VendorJarSigner(vendor).sign(jar);

        assertEquals(5, removed, "BC2048KE.SF/.EC, OTHER.SF/.EC and SIG-LEGACY.SF");
        List<String> signatureFiles = TestJars.names(jar).stream().filter(SignatureStripper::isSignatureFile).toList();
        assertEquals(List.of("META-INF/STATEOS.SF", "META-INF/STATEOS.EC"), signatureFiles);
        assertEquals(List.of(vendor.certificate()), TestJars.signerCertificates(jar));
        String manifest = TestJars.text(TestJars.read(jar, JarFile.MANIFEST_NAME));
        assertEquals(manifest.split("Name: org/example/demo/Api.class", -1).length, 2, "one section per entry");
        assertFalse(manifest.contains("Someone"), manifest);

        RealJarsigner.Result strict = JARSIGNER.verifyAgainst(jar, vendor.certificate(), dir);
        assertTrue(strict.accepted(), strict.output());
        assertFalse(strict.output().contains("Someone Else"), strict.output());
        assertTrue(JarSignatureVerifier.verify(jar, vendor.certificate()).trusted());
    }

    @Test
    void signingTwiceWithTheVendorKeyStaysOneSigner() throws Exception {
        Path jar = signedBundle("twice.jar");
        assertEquals(2, new VendorJarSigner(vendor).sign(jar));
        assertEquals(List.of(vendor.certificate()), TestJars.signerCertificates(jar));
        assertTrue(JARSIGNER.verifyAgainst(jar, vendor.certificate(), dir).accepted());
    }

    @Test
    void jarSignedThroughIntermediateAndLeafChainsToTheVendor() throws Exception {
        VendorKey intermediate = TestKeys.issue(vendor, "CN=StateOS Release CA,O=StateOS", true);
        VendorKey leaf = TestKeys.issue(intermediate, "CN=StateOS Build Signer,O=StateOS", false);
        Path jar = TestJars.bundle(dir.resolve("chain.jar"));
        new VendorJarSigner(leaf).sign(jar);

        RealJarsigner.Result strict = JARSIGNER.verifyAgainst(jar, vendor.certificate(), dir);
        assertTrue(strict.accepted(), strict.output());
        VerificationResult result = JarSignatureVerifier.verify(jar, vendor.certificate());
        assertTrue(result.trusted(), result.reason());
        assertEquals(leaf.certificate().getSubjectX500Principal(), new X500Principal(result.signer()));
    }

    @Test
    void signsInPlaceKeepingPermissionsAndLeavingNoTemporaryFiles() throws Exception {
        Path jar = TestJars.bundle(dir.resolve("perm.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r-----"));
        new VendorJarSigner(vendor).sign(jar);

        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(jar), files.toList());
        }
    }

    @Test
    void aJarThatCannotBeSignedIsLeftUntouched() throws Exception {
        Path broken = dir.resolve("broken.jar");
        Files.write(broken, "this is not a zip file".getBytes(StandardCharsets.UTF_8));
        byte[] before = Files.readAllBytes(broken);

        SigningException e = assertThrows(SigningException.class, () -> new VendorJarSigner(vendor).sign(broken));
        assertTrue(e.getMessage().startsWith(broken + ": could not sign"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(broken));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(broken), files.toList(), "no temporary files left behind");
        }
    }
}
