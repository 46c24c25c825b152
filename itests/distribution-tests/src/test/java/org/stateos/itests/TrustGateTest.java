package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.itests.harness.BootedNode;
import org.stateos.itests.harness.BundleJars;
import org.stateos.itests.harness.Wait;
import org.stateos.signing.VendorCertificates;
import org.stateos.signing.VendorKey;

/**
 * The signature gate in the real distribution: every way a bundle can be wrong is refused, through
 * bundle:install, the deploy folder and feature:install, and none of its code runs.
 */
class TrustGateTest extends BootedNode {
    VendorKey vendor;
    Path jars;

    @BeforeAll
    void makeKeys() throws Exception {
        vendor = BundleJars.vendorKey();
        jars = Files.createDirectories(work.resolve("jars"));
    }

    /** Each case: a name, how to make the jar, and words the refusal reason must contain. */
    interface Maker {
        void make(Path jar, VendorKey vendor) throws Exception;
    }

    static Stream<Arguments> refusals() {
        VendorCertificates certificates = new VendorCertificates();
        return Stream.of(
                Arguments.of("unsigned", (Maker) (jar, v) -> { }, "unsigned"),
                Arguments.of("otherkey", (Maker) (jar, v) ->
                        BundleJars.sign(jar, certificates.newVendorCa("CN=Someone Else,O=Elsewhere", 365)),
                        "does not chain to the vendor anchor"),
                Arguments.of("lookalike", (Maker) (jar, v) ->
                        BundleJars.sign(jar, certificates.newVendorCa(v.subject(), 365)),
                        "does not chain to the vendor anchor"),
                Arguments.of("foreignchain", (Maker) (jar, v) -> {
                    VendorKey foreignCa = certificates.newVendorCa("CN=Foreign CA,O=Elsewhere", 365);
                    BundleJars.sign(jar, certificates.issue(foreignCa, v.subject(), 365, false));
                }, "does not chain to the vendor anchor"),
                Arguments.of("bytechanged", (Maker) (jar, v) -> {
                    BundleJars.sign(jar, v);
                    BundleJars.flipByte(jar, BundleJars.CLASS_ENTRY);
                }, "modified after signing"),
                Arguments.of("entryadded", (Maker) (jar, v) -> {
                    BundleJars.sign(jar, v);
                    BundleJars.addEntry(jar, "org/stateos/itests/hello/Extra.class", new byte[] {(byte) 0xCA, (byte) 0xFE});
                }, "is not signed"),
                Arguments.of("entryremoved", (Maker) (jar, v) -> {
                    BundleJars.sign(jar, v);
                    BundleJars.removeEntry(jar, BundleJars.MARKER_ENTRY);
                }, "removed after signing"),
                Arguments.of("partial", (Maker) (jar, v) -> {
                    BundleJars.sign(jar, v);
                    BundleJars.addEntryWithManifestDigest(jar, "extra.txt", "not covered".getBytes(StandardCharsets.UTF_8));
                }, "extra.txt"));
    }

    @Test
    @Order(1)
    void vendorSignedBundleIsTrustedAndServes() throws Exception {
        Path jar = BundleJars.sign(BundleJars.variant(jars.resolve("good.jar"), "org.stateos.itests.hello.good", "1.0.0", "good"), vendor);
        long id = esr.install(jar, false);
        esr.console().run("bundle:start " + id);
        String body = Wait.until("GET /hello to answer", Duration.ofSeconds(20), () -> {
            var r = esr.get("/hello");
            return r != null && r.statusCode() == 200 ? r.body() : null;
        });
        assertTrue(body.contains("good"), body);
        assertTrue(esr.console().run("trust:list").matches("(?s).*" + id + " .*hello.good .*TRUSTED.*"));
        esr.console().run("bundle:uninstall " + id);
    }

    @ParameterizedTest(name = "{0} via bundle:install")
    @MethodSource("refusals")
    @Order(2)
    void refusedThroughBundleInstall(String name, Maker maker, String reason) throws Exception {
        String symbolicName = "org.stateos.itests.hello." + name + ".installed";
        Path jar = BundleJars.variant(jars.resolve(name + "-installed.jar"), symbolicName, "1.0.0", name);
        maker.make(jar, vendor);
        long id = esr.install(jar, false);
        String start = esr.console().run("bundle:start " + id);
        assertTrue(start.contains("Error") || start.contains("nresolved") || start.contains("Unable"), start);
        assertRefused(symbolicName, reason);
        assertTrue(esr.console().run("bundle:list -t 0 " + id).contains("Installed"));
        assertFalse(esr.get("/hello") != null && esr.get("/hello").statusCode() == 200, "refused code must not serve");
        esr.console().run("bundle:uninstall " + id);
    }

    @ParameterizedTest(name = "{0} via the deploy folder")
    @MethodSource("refusals")
    @Order(3)
    void refusedThroughTheDeployFolder(String name, Maker maker, String reason) throws Exception {
        String symbolicName = "org.stateos.itests.hello." + name + ".deployed";
        Path jar = BundleJars.variant(jars.resolve(name + "-deployed.jar"), symbolicName, "1.0.0", name);
        maker.make(jar, vendor);
        Path deployed = esr.home().resolve("deploy").resolve(name + ".jar");
        Files.copy(jar, deployed);
        Wait.until(symbolicName + " to be refused", Duration.ofSeconds(30),
                () -> esr.console().run("trust:list --refused --json").contains(symbolicName) ? true : null);
        assertRefused(symbolicName, reason);
        Files.delete(deployed);
    }

    @Test
    @Order(4)
    void refusedThroughFeatureInstall() throws Exception {
        String symbolicName = "org.stateos.itests.hello.feature";
        Path jar = BundleJars.variant(jars.resolve("feature.jar"), symbolicName, "1.0.0", "feature");
        Path features = jars.resolve("features.xml");
        Files.writeString(features, """
                <features name="itest" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                  <feature name="unsigned-hello" version="1.0.0">
                    <bundle>file:%s</bundle>
                  </feature>
                </features>
                """.formatted(jar.toAbsolutePath()));
        esr.console().run("feature:repo-add file:" + features.toAbsolutePath());
        String out = esr.console().run("feature:install unsigned-hello");
        assertTrue(out.contains("Error") || out.contains("esolution") || out.contains("nable"), out);
        assertRefused(symbolicName, "unsigned");
    }

    @Test
    @Order(5)
    void stoppingTheGateBundleDoesNotOpenTheGate() throws Exception {
        String gateId = esr.bundleId("org.stateos.trust");
        esr.console().run("bundle:stop --force " + gateId);
        try {
            String symbolicName = "org.stateos.itests.hello.gatestopped";
            Path jar = BundleJars.variant(jars.resolve("gatestopped.jar"), symbolicName, "1.0.0", "x");
            long id = esr.install(jar, false);
            esr.console().run("bundle:start " + id);
            assertTrue(esr.console().run("bundle:list -t 0 " + id).contains("Installed"),
                    "an unsigned bundle resolved while the gate bundle was stopped");
        } finally {
            esr.console().run("bundle:start --force " + gateId);
        }
    }

    private void assertRefused(String symbolicName, String reason) {
        String refused = esr.console().run("trust:list --refused --json");
        assertTrue(refused.contains(symbolicName), refused);
        int at = refused.indexOf(symbolicName);
        String entry = refused.substring(at, Math.min(refused.length(), at + 600));
        assertTrue(entry.contains(reason), "expected reason '" + reason + "' for " + symbolicName + " in " + entry);
    }
}
