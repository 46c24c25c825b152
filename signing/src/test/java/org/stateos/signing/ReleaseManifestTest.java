package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseManifestTest {

    private static VendorKey vendor;

    @TempDir
    Path dir;
    private Path jars;

    @BeforeAll
    static void makeVendorKey() throws SigningException {
        vendor = TestKeys.vendor();
    }

    @BeforeEach
    void makeBundles() throws Exception {
        jars = Files.createDirectories(dir.resolve("system"));
        TestJars.bundle(Files.createDirectories(jars.resolve("org/example/demo/1.2.3")).resolve("demo-1.2.3.jar"));
        TestJars.bundle(jars.resolve("other.jar"), TestJars.BUNDLE_MANIFEST.replace("org.example.demo;singleton:=true",
                "org.example.other").replace("Bundle-Version: 1.2.3.v20260101", "Bundle-Version: 4.0.0"), 2);
    }

    private byte[] manifestJson(String version, Duration validity, Instant now) throws SigningException {
        return ReleaseManifestJson.toJson(ReleaseManifestBuilder.fromDirectory(jars, version, validity, now));
    }

    @Test
    void describesEveryBundleByNameVersionHashSizeAndPath() throws Exception {
        Instant now = Instant.parse("2026-03-01T10:15:30.123Z");
        byte[] json = manifestJson("1.4.0", Duration.ofDays(30), now);

        JsonObject root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(1, root.get("format").getAsInt());
        assertEquals("stateos", root.get("product").getAsString());
        assertEquals("1.4.0", root.get("version").getAsString());
        assertEquals("2026-03-01T10:15:30Z", root.get("createdAt").getAsString());
        assertEquals("2026-03-31T10:15:30Z", root.get("expiresAt").getAsString());
        assertEquals(2, root.getAsJsonArray("bundles").size());
        JsonObject demo = root.getAsJsonArray("bundles").get(0).getAsJsonObject();
        Path demoJar = jars.resolve("org/example/demo/1.2.3/demo-1.2.3.jar");
        assertEquals("org.example.demo", demo.get("symbolicName").getAsString());
        assertEquals("1.2.3.v20260101", demo.get("version").getAsString());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(demoJar))),
                demo.get("sha256").getAsString());
        assertEquals(Files.size(demoJar), demo.get("size").getAsLong());
        assertEquals("org/example/demo/1.2.3/demo-1.2.3.jar", demo.get("path").getAsString());
        assertEquals("org.example.other", root.getAsJsonArray("bundles").get(1).getAsJsonObject()
                .get("symbolicName").getAsString());

        ReleaseManifest parsed = ReleaseManifestJson.parse(json);
        assertEquals(ReleaseManifestBuilder.fromDirectory(jars, "1.4.0", Duration.ofDays(30), now), parsed);
    }

    @Test
    void refusesAJarThatIsNotABundle() throws Exception {
        TestJars.bundle(jars.resolve("plain.jar"), "Manifest-Version: 1.0\r\n\r\n", 3);
        SigningException e = assertThrows(SigningException.class,
                () -> ReleaseManifestBuilder.fromDirectory(jars, "1.0.0", Duration.ofDays(1), Instant.now()));
        assertTrue(e.getMessage().contains("plain.jar: not an OSGi bundle"), e.getMessage());
    }

    @Test
    void signedManifestVerifiesAndCarriesItsExactBytes() throws Exception {
        byte[] json = manifestJson("1.4.0", Duration.ofDays(30), Instant.now());
        byte[] signed = new ReleaseSigner(vendor).sign(json);

        ReleaseVerifier.VerifiedRelease release = new ReleaseVerifier(vendor.certificate())
                .verify(signed, Instant.now(), "1.3.9");
        assertEquals(ReleaseManifestJson.parse(json), release.manifest());
        assertEquals(vendor.subject(), release.signer());
    }

    @Test
    void manifestSignedThroughAnIntermediateVerifies() throws Exception {
        VendorKey leaf = TestKeys.issue(TestKeys.issue(vendor, "CN=Release CA,O=StateOS", true),
                "CN=Release Signer,O=StateOS", false);
        byte[] signed = new ReleaseSigner(leaf).sign(manifestJson("2.0.0", Duration.ofDays(1), Instant.now()));
        assertEquals("2.0.0", new ReleaseVerifier(vendor.certificate()).verify(signed, Instant.now(), null)
                .manifest().version());
    }

    @Test
    void refusesATamperedManifest() throws Exception {
        byte[] signed = new ReleaseSigner(vendor).sign(manifestJson("1.4.0", Duration.ofDays(30), Instant.now()));
        byte[] tampered = replace(signed, "\"version\": \"1.4.0\"", "\"version\": \"9.4.0\"");

        SigningException e = assertThrows(SigningException.class,
                () -> new ReleaseVerifier(vendor.certificate()).verify(tampered, Instant.now(), null));
        assertTrue(e.getMessage().contains("signature does not match"), e.getMessage());
    }

    @Test
    void refusesAnExpiredManifest() throws Exception {
        Instant made = Instant.now().minus(Duration.ofDays(10));
        byte[] signed = new ReleaseSigner(vendor).sign(manifestJson("1.4.0", Duration.ofDays(7), made));

        SigningException e = assertThrows(SigningException.class,
                () -> new ReleaseVerifier(vendor.certificate()).verify(signed, Instant.now(), null));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void refusesAnOlderVersionThanTheRunningOneButAcceptsTheSameOrNewer() throws Exception {
        byte[] signed = new ReleaseSigner(vendor).sign(manifestJson("1.4.0", Duration.ofDays(30), Instant.now()));
        ReleaseVerifier verifier = new ReleaseVerifier(vendor.certificate());

        SigningException e = assertThrows(SigningException.class, () -> verifier.verify(signed, Instant.now(), "1.10.0"));
        assertTrue(e.getMessage().contains("older than the running version 1.10.0"), e.getMessage());
        assertEquals("1.4.0", verifier.verify(signed, Instant.now(), "1.4.0").manifest().version());
        assertEquals("1.4.0", verifier.verify(signed, Instant.now(), "1.4.0-rc.2").manifest().version());
        ReleaseManifest manifest = ReleaseManifestJson.parse(manifestJson("1.4.0", Duration.ofDays(1), Instant.now()));
        assertTrue(manifest.isAcceptable("1.3.99"));
        assertTrue(!manifest.isAcceptable("1.4.1"));
    }

    @Test
    void refusesAManifestSignedByAnotherKeyOrALookAlike() throws Exception {
        byte[] json = manifestJson("1.4.0", Duration.ofDays(30), Instant.now());
        ReleaseVerifier verifier = new ReleaseVerifier(vendor.certificate());
        for (VendorKey other : List.of(TestKeys.selfSigned("CN=Someone Else"), TestKeys.selfSigned(vendor.subject()),
                TestKeys.issue(TestKeys.selfSigned(vendor.subject()), "CN=Release Signer,O=StateOS", false))) {
            byte[] signed = new ReleaseSigner(other).sign(json);
            SigningException e = assertThrows(SigningException.class, () -> verifier.verify(signed, Instant.now(), null));
            assertTrue(e.getMessage().contains("does not chain to the vendor anchor"), e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNotASignedManifest() throws Exception {
        ReleaseVerifier verifier = new ReleaseVerifier(vendor.certificate());
        byte[] json = manifestJson("1.4.0", Duration.ofDays(30), Instant.now());
        SigningException e = assertThrows(SigningException.class, () -> verifier.verify(json, Instant.now(), null));
        assertTrue(e.getMessage().contains("not a CMS signed release manifest"), e.getMessage());
        SigningException invalid = assertThrows(SigningException.class,
                () -> new ReleaseSigner(vendor).sign("{\"format\": 2}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(invalid.getMessage().contains("unknown release manifest format 2"), invalid.getMessage());
    }

    private static byte[] replace(byte[] data, String from, String to) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(from);
        assertTrue(at >= 0, "the manifest is inside the signature");
        return (text.substring(0, at) + to + text.substring(at + from.length())).getBytes(StandardCharsets.ISO_8859_1);
    }
}
