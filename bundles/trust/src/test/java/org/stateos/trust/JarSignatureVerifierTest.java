package org.stateos.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.trust.TestPki.Identity;

class JarSignatureVerifierTest {

    private static final String VENDOR_NAME = "CN=StateOS Vendor Test, O=StateOS";
    private static Identity vendor;
    private static Identity other;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        vendor = TestPki.selfSigned(TestPki.VENDOR);
        other = TestPki.selfSigned(new X500Principal("CN=Somebody Else"));
    }

    private Path unsigned() throws IOException {
        return TestPki.jar(dir.resolve("unsigned.jar"), "org.example", TestPki.someEntries());
    }

    private Path signedBy(Identity signer) throws IOException {
        return TestPki.sign(unsigned(), dir.resolve("signed.jar"), signer);
    }

    private VerificationResult verify(Path jar) {
        return JarSignatureVerifier.verify(jar, vendor.certificate());
    }

    private static void assertRefused(VerificationResult result, String reason) {
        assertFalse(result.trusted(), () -> "expected a refusal, got " + result);
        assertEquals(reason, result.reason());
    }

    @Test
    void trustsJarSignedWithTheVendorKey() throws IOException {
        VerificationResult result = verify(signedBy(vendor));
        assertTrue(result.trusted(), result::toString);
        assertEquals(VerificationResult.TRUSTED, result.reason());
        assertEquals(VENDOR_NAME, result.signer());
    }

    @Test
    void trustsFileOverloadLikePath() throws IOException {
        assertTrue(JarSignatureVerifier.verify(signedBy(vendor).toFile(), vendor.certificate()).trusted());
    }

    @Test
    void trustsJarSignedByCodeSigningCertificateIssuedUnderTheAnchor() throws IOException {
        Identity intermediate = TestPki.issue(vendor, new X500Principal("CN=StateOS Build CA"), true);
        Identity leaf = TestPki.issue(intermediate, new X500Principal("CN=StateOS Build 42"), false);
        VerificationResult result = verify(signedBy(leaf));
        assertTrue(result.trusted(), result::toString);
        assertEquals("CN=StateOS Build 42", result.signer());
    }

    @Test
    void refusesUnsignedJar() throws IOException {
        assertRefused(verify(unsigned()), "unsigned");
    }

    @Test
    void refusesJarSignedByAnotherKey() throws IOException {
        VerificationResult result = verify(signedBy(other));
        assertRefused(result, "signer CN=Somebody Else does not chain to the vendor anchor " + VENDOR_NAME);
        assertEquals("CN=Somebody Else", result.signer());
    }

    @Test
    void refusesSelfSignedLookAlikeWithTheVendorsSubjectButAnotherKey() throws IOException {
        Identity lookAlike = TestPki.selfSigned(TestPki.VENDOR);
        assertRefused(verify(signedBy(lookAlike)), "signer " + VENDOR_NAME
                + " does not chain to the vendor anchor " + VENDOR_NAME + " (same name, another key)");
    }

    @Test
    void refusesSignerWhoseIntermediateWasIssuedByAForeignCa() throws IOException {
        Identity foreignCa = TestPki.selfSigned(new X500Principal("CN=Foreign CA"));
        Identity intermediate = TestPki.issue(foreignCa, new X500Principal("CN=StateOS Build CA"), true);
        Identity leaf = TestPki.issue(intermediate, new X500Principal("CN=StateOS Build 42"), false);
        assertRefused(verify(signedBy(leaf)),
                "signer CN=StateOS Build 42 does not chain to the vendor anchor " + VENDOR_NAME);
    }

    @Test
    void refusesSignerWhoseChainEndsInALookAlikeVendorRoot() throws IOException {
        Identity lookAlikeRoot = TestPki.selfSigned(TestPki.VENDOR);
        Identity leaf = TestPki.issue(lookAlikeRoot, new X500Principal("CN=StateOS Build 42"), false);
        assertRefused(verify(signedBy(leaf)),
                "signer CN=StateOS Build 42 does not chain to the vendor anchor " + VENDOR_NAME);
    }

    @Test
    void refusesJarWithOneByteChangedInAnEntryAfterSigning() throws IOException {
        Path tampered = TestPki.rewrite(signedBy(vendor), dir.resolve("tampered.jar"), (name, bytes) -> {
            if (name.equals("org/example/B.class")) {
                bytes[3] ^= 1;
            }
            return bytes;
        }, Map.of());
        assertRefused(verify(tampered), "entry org/example/B.class was modified after signing (digest mismatch)");
    }

    @Test
    void refusesJarWithEntryAddedAfterSigning() throws IOException {
        Path added = TestPki.rewrite(signedBy(vendor), dir.resolve("added.jar"), (name, bytes) -> bytes,
                Map.of("org/example/Evil.class", "evil".getBytes()));
        assertRefused(verify(added), "entry org/example/Evil.class is not signed (added after signing?)");
    }

    @Test
    void refusesJarWithEntryRemovedAfterSigning() throws IOException {
        Path removed = TestPki.rewrite(signedBy(vendor), dir.resolve("removed.jar"),
                (name, bytes) -> name.equals("OSGI-INF/config.xml") ? null : bytes, Map.of());
        assertRefused(verify(removed),
                "entry OSGI-INF/config.xml is listed in the signed manifest but missing (removed after signing)");
    }

    @Test
    void refusesJarWhoseSignatureCoversOnlySomeEntries() throws IOException {
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put("org/example/C.class", "c".getBytes());
        extra.put("org/example/D.class", "d".getBytes());
        Path partial = TestPki.rewrite(signedBy(vendor), dir.resolve("partial.jar"), (name, bytes) -> bytes, extra);
        assertRefused(verify(partial),
                "signature covers only 3 of 5 entries (not signed: org/example/C.class, org/example/D.class)");
    }

    @Test
    void refusesEntriesWhoseDigestsWereForgedIntoTheManifestAfterSigning() throws IOException {
        byte[] evil = "evil".getBytes();
        byte[] evil2 = "evil2".getBytes();
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put("org/example/Evil.class", evil);
        extra.put("org/example/Evil2.class", evil2);
        Path forged = TestPki.rewrite(signedBy(vendor), dir.resolve("forged.jar"), (name, bytes) -> {
            if (!name.equals("META-INF/MANIFEST.MF")) {
                return bytes;
            }
            String manifest = new String(bytes, StandardCharsets.UTF_8)
                    + "Name: org/example/Evil.class\r\nSHA-256-Digest: " + sha256(evil) + "\r\n\r\n"
                    + "Name: org/example/Evil2.class\r\nSHA-256-Digest: " + sha256(evil2) + "\r\n\r\n";
            return manifest.getBytes(StandardCharsets.UTF_8);
        }, extra);
        assertRefused(verify(forged), "signature covers only 3 of 5 entries"
                + " (not signed: org/example/Evil.class, org/example/Evil2.class)");
    }

    @Test
    void refusesJarWhoseBundleHeadersWereChangedAfterSigning() throws IOException {
        Path changed = TestPki.rewrite(signedBy(vendor), dir.resolve("headers.jar"), (name, bytes) -> {
            if (!name.equals("META-INF/MANIFEST.MF")) {
                return bytes;
            }
            String manifest = new String(bytes, StandardCharsets.UTF_8);
            return manifest.replaceFirst("Bundle-Version: 1.0.0", "Bundle-Version: 9.0.0\r\nDynamicImport-Package: *")
                    .getBytes(StandardCharsets.UTF_8);
        }, Map.of());
        assertRefused(verify(changed), "the manifest's main attributes (bundle headers) were modified after signing");
    }

    @Test
    void refusesEntryAddedAndSignedByAnotherKey() throws IOException {
        Path added = TestPki.rewrite(signedBy(vendor), dir.resolve("added.jar"), (name, bytes) -> bytes,
                Map.of("org/example/Evil.class", "evil".getBytes()));
        Path resigned = TestPki.sign(added, dir.resolve("resigned.jar"), other);
        assertRefused(verify(resigned),
                "signer CN=Somebody Else does not chain to the vendor anchor " + VENDOR_NAME);
    }

    @Test
    void refusesJarWithADuplicatedEntryName() throws IOException {
        Path signed = signedBy(vendor);
        Path duplicated = dir.resolve("duplicated.jar");
        // ZipOutputStream refuses duplicates, so append a second central-directory copy by hand: write the jar
        // again with the entry renamed to a same-length placeholder, then patch the placeholder bytes.
        TestPki.rewrite(signed, duplicated, (name, bytes) -> bytes,
                Map.of("org/example/X.class", "evil".getBytes()));
        byte[] raw = Files.readAllBytes(duplicated);
        byte[] from = "org/example/X.class".getBytes(StandardCharsets.UTF_8);
        byte[] to = "org/example/A.class".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + from.length <= raw.length; i++) {
            if (java.util.Arrays.equals(raw, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, raw, i, to.length);
            }
        }
        Files.write(duplicated, raw);
        assertRefused(verify(duplicated), "entry org/example/A.class appears more than once in the jar");
    }

    @Test
    void refusesAFileThatIsNotAJar() throws IOException {
        Path notAJar = Files.writeString(dir.resolve("not.jar"), "just text");
        VerificationResult result = verify(notAJar);
        assertFalse(result.trusted());
        assertTrue(result.reason().startsWith("not a readable jar"), result::toString);
    }

    @Test
    void refusesADirectory() {
        VerificationResult result = verify(dir);
        assertFalse(result.trusted());
        assertTrue(result.reason().startsWith("not a jar file"), result::toString);
    }

    @Test
    void countsOnlyTopLevelMetaInfSignatureFilesAsSignatureRelated() {
        assertTrue(JarSignatureVerifier.isSignatureRelated("META-INF/MANIFEST.MF"));
        assertTrue(JarSignatureVerifier.isSignatureRelated("META-INF/VENDOR.SF"));
        assertTrue(JarSignatureVerifier.isSignatureRelated("META-INF/vendor.ec"));
        assertTrue(JarSignatureVerifier.isSignatureRelated("META-INF/SIG-X"));
        assertFalse(JarSignatureVerifier.isSignatureRelated("META-INF/maven/x/VENDOR.SF"));
        assertFalse(JarSignatureVerifier.isSignatureRelated("META-INF/services/foo"));
        assertFalse(JarSignatureVerifier.isSignatureRelated("org/example/A.SF"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
