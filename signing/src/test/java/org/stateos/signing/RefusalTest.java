package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.trust.JarSignatureVerifier;
import org.stateos.trust.VerificationResult;

/**
 * Every way a jar must be refused, judged by both the real jarsigner (-strict, trusting only the vendor anchor)
 * and the trust bundle's verifier, the code the appliance runs.
 */
class RefusalTest {

    private static final RealJarsigner JARSIGNER = new RealJarsigner();
    private static VendorKey vendor;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void makeVendorKey() throws SigningException {
        vendor = TestKeys.vendor();
    }

    private Path signedBundle(Path where) throws Exception {
        Path jar = TestJars.bundle(where);
        new VendorJarSigner(vendor).sign(jar);
        return jar;
    }

    /** Both judges refuse; the verifier's reason contains {@code reason}. */
    private void assertRefused(Path jar, String reason) throws Exception {
        RealJarsigner.Result tool = JARSIGNER.verifyAgainst(jar, vendor.certificate(), jar.getParent());
        assertFalse(tool.accepted(), "jarsigner accepted it:\n" + tool.output());
        assertVerifierRefuses(jar, reason);
    }

    private static void assertVerifierRefuses(Path jar, String reason) {
        VerificationResult result = JarSignatureVerifier.verify(jar, vendor.certificate());
        assertFalse(result.trusted(), "the verifier trusted it");
        assertTrue(result.reason().contains(reason), "reason \"" + result.reason() + "\" lacks \"" + reason + "\"");
    }

    @Test
    void refusesUnsignedJar() throws Exception {
        Path jar = TestJars.bundle(dir.resolve("unsigned.jar"));
        assertRefused(jar, "unsigned");
    }

    @Test
    void refusesJarSignedByAnotherKey() throws Exception {
        Path jar = TestJars.bundle(dir.resolve("other.jar"));
        new VendorJarSigner(TestKeys.selfSigned("CN=Someone Else,O=Elsewhere")).sign(jar);
        assertTrue(JARSIGNER.verify(jar).output().contains("jar verified."), "a valid signature, just not the vendor's");
        assertRefused(jar, "does not chain to the vendor anchor");
    }

    @TestFactory
    Stream<DynamicTest> refusesJarWithOneByteChangedInAnyEntry() throws Exception {
        Path signed = signedBundle(shared.resolve("signed.jar"));
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : TestJars.names(signed)) {
            if (name.endsWith("/") || TestJars.read(signed, name).length == 0) {
                continue; // nothing to change in a directory or an empty file
            }
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Path jar = TestJars.rewrite(signed, dir.resolve("changed.jar"), TestJars.changeOneByte(name), Map.of());
                RealJarsigner.Result tool = JARSIGNER.verifyAgainst(jar, vendor.certificate(), dir);
                assertFalse(tool.accepted(), "jarsigner accepted a change in " + name + ":\n" + tool.output());
                VerificationResult result = JarSignatureVerifier.verify(jar, vendor.certificate());
                assertFalse(result.trusted(), "the verifier trusted a change in " + name);
                if (!name.startsWith("META-INF/MANIFEST") && !SignatureStripper.isSignatureFile(name)) {
                    assertTrue(result.reason().contains("modified after signing"), result.reason());
                }
                Files.delete(jar);
            }));
        }
        assertTrue(tests.size() >= 12, "every kind of entry is covered: " + tests.size());
        return tests.stream();
    }

    @Test
    void refusesJarWhoseBundleHeadersWereChangedAfterSigning() throws Exception {
        Path signed = signedBundle(dir.resolve("signed.jar"));
        Path jar = TestJars.rewrite(signed, dir.resolve("headers.jar"), TestJars.editText("META-INF/MANIFEST.MF",
                text -> text.replace("Bundle-Version: 1.2.3.v20260101", "Bundle-Version: 9.2.3.v20260101")), Map.of());
        assertRefused(jar, "main attributes");
    }

    @Test
    void refusesJarWithEntryAddedAfterSigning() throws Exception {
        Path signed = signedBundle(dir.resolve("signed.jar"));
        Path jar = TestJars.rewrite(signed, dir.resolve("added.jar"), (name, content) -> content,
                Map.of("org/example/demo/Evil.class", "payload".getBytes(StandardCharsets.UTF_8)));
        assertRefused(jar, "entry org/example/demo/Evil.class is not signed");
    }

    @Test
    void refusesJarWithEntryRemovedAfterSigning() throws Exception {
        Path signed = signedBundle(dir.resolve("signed.jar"));
        Path jar = TestJars.rewrite(signed, dir.resolve("removed.jar"),
                TestJars.drop("org/example/demo/internal/Impl.class"), Map.of());
        // The real jarsigner (JDK 17) notices but still says "jar verified." with exit status 0, even with -strict:
        // a missing entry is only a warning there. The vendor's verifier refuses.
        RealJarsigner.Result tool = JARSIGNER.verifyAgainst(jar, vendor.certificate(), dir);
        assertTrue(tool.output().contains("signed entries for files that do not exist"), tool.output());
        assertVerifierRefuses(jar, "missing (removed after signing)");
    }

    @Test
    void refusesJarWhoseSignatureCoversOnlySomeEntries() throws Exception {
        Path signed = signedBundle(dir.resolve("signed.jar"));
        Path jar = TestJars.rewrite(signed, dir.resolve("partial.jar"), (name, content) -> content, Map.of(
                "org/example/demo/Extra1.class", new byte[] {1},
                "org/example/demo/Extra2.class", new byte[] {2},
                "OSGI-INF/extra.xml", new byte[] {3}));
        assertRefused(jar, "signature covers only");
    }

    @Test
    void refusesJarWhoseAddedEntryIsSignedOnlyByAnotherKey() throws Exception {
        Path signed = signedBundle(dir.resolve("signed.jar"));
        Path jar = TestJars.rewrite(signed, dir.resolve("mixed.jar"), (name, content) -> content,
                Map.of("org/example/demo/Evil.class", "payload".getBytes(StandardCharsets.UTF_8)));
        TestKeys.signAsOther(jar, TestKeys.selfSigned("CN=Attacker"), "ATTACKER");
        assertTrue(JARSIGNER.verify(jar).output().contains("jar verified."), "every entry carries a valid signature");
        assertRefused(jar, "does not chain to the vendor anchor");
    }

    @Test
    void refusesJarSignedUnderAForeignCa() throws Exception {
        VendorKey foreignRoot = TestKeys.selfSigned("CN=Foreign Root CA,O=Elsewhere");
        VendorKey intermediate = TestKeys.issue(foreignRoot, "CN=Foreign Intermediate,O=Elsewhere", true);
        VendorKey leaf = TestKeys.issue(intermediate, "CN=Foreign Signer,O=Elsewhere", false);
        Path jar = TestJars.bundle(dir.resolve("foreign-chain.jar"));
        new VendorJarSigner(leaf).sign(jar);
        assertRefused(jar, "does not chain to the vendor anchor");
    }

    @Test
    void refusesJarSignedByALookAlikeOfTheVendorCertificate() throws Exception {
        VendorKey lookAlike = TestKeys.selfSigned(vendor.subject());
        Path jar = TestJars.bundle(dir.resolve("look-alike.jar"));
        new VendorJarSigner(lookAlike).sign(jar);
        assertRefused(jar, "does not chain to the vendor anchor");
    }

    @Test
    void refusesJarSignedUnderAnIntermediateForgedInTheVendorsName() throws Exception {
        VendorKey lookAlike = TestKeys.selfSigned(vendor.subject());
        VendorKey forged = TestKeys.issue(lookAlike, "CN=StateOS Release CA,O=StateOS", true);
        VendorKey leaf = TestKeys.issue(forged, "CN=StateOS Build Signer,O=StateOS", false);
        Path jar = TestJars.bundle(dir.resolve("forged-chain.jar"));
        new VendorJarSigner(leaf).sign(jar);
        assertRefused(jar, "does not chain to the vendor anchor");
    }
}
