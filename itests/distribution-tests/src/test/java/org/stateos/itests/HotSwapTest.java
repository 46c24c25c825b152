package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.stateos.itests.harness.BootedNode;
import org.stateos.itests.harness.BundleJars;
import org.stateos.itests.harness.Footprint;
import org.stateos.itests.harness.Wait;
import org.stateos.signing.VendorKey;

/** Signed updates replace running bundles without a restart; unsigned ones are refused and rolled back. */
class HotSwapTest extends BootedNode {
    private static final String NAME = "org.stateos.itests.hello.swap";
    private static final int CYCLES = 20;

    VendorKey vendor;
    Path jars;
    long helloId;
    int lastServed;

    @BeforeAll
    void makeKeys() throws Exception {
        vendor = BundleJars.vendorKey();
        jars = Files.createDirectories(work.resolve("jars"));
    }

    @Test
    @Order(1)
    void signedUpdatesReplaceTheRunningBundleWithoutGrowth() throws Exception {
        helloId = esr.install(signedHello(0), true);
        awaitServed(0);

        // Two warm-up cycles let lazily created pools (shell, fileinstall) reach their size.
        update(1);
        update(2);
        Footprint before = Footprint.of(esr.pid());
        for (int i = 3; i < 3 + CYCLES; i++) {
            update(i);
        }
        assertNoGrowth("hello bundle", before, Footprint.of(esr.pid()));
    }

    @Test
    @Order(2)
    void unsignedUpdateIsRefusedAndThePreviousVersionServesAgain() throws Exception {
        Path unsigned = BundleJars.variant(jars.resolve("unsigned.jar"), NAME, "9.0.0", "evil");
        long start = System.nanoTime();
        esr.console().run("bundle:update --raw " + helloId + " file:" + unsigned.toAbsolutePath());
        awaitServed(lastServed);
        Duration restored = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("unsigned update refused; previous version serving again after %d ms%n", restored.toMillis());
        assertTrue(restored.compareTo(Duration.ofSeconds(10)) < 0, "restored after " + restored);
        String refused = esr.console().run("trust:list --refused --json");
        assertTrue(refused.contains("\"version\": \"9.0.0\"") && refused.contains("unsigned"), refused);
        assertTrue(esr.get("/hello").body().contains("v" + lastServed));
    }

    @Test
    @Order(3)
    void updateWithoutRawIsRefusedWithAHintBecauseKarafRewritesTheManifest() throws Exception {
        Path signed = signedHello(50);
        esr.console().run("bundle:update " + helloId + " file:" + signed.toAbsolutePath());
        awaitServed(lastServed);
        String refused = esr.console().run("trust:list --refused --json");
        assertTrue(refused.contains("bundle:update adds unless given --raw"), refused);
    }

    @Test
    @Order(4)
    void platformBundleIsSwappedTwentyTimesWhileTheNodeServes() throws Exception {
        Path shipped = esr.home().resolve("system/org/stateos/org.stateos.http/0.1.0-SNAPSHOT/org.stateos.http-0.1.0-SNAPSHOT.jar");
        String id = esr.bundleId("org.stateos.http");
        swapHttp(shipped, id, 1);
        Footprint before = Footprint.of(esr.pid());
        for (int i = 2; i < 2 + CYCLES; i++) {
            swapHttp(shipped, id, i);
        }
        assertNoGrowth("http bundle", before, Footprint.of(esr.pid()));
    }

    /**
     * The transcoder sits on the FFmpeg natives of codec-natives, which stay loaded: swapping the transcoder itself
     * (a new signed revision each time, refreshed) must neither grow threads and class loaders nor break its shell
     * command. (Swapping it under a playing WebRTC viewer is LivePathTest's.)
     */
    @Test
    @Order(5)
    void transcoderBundleIsSwappedOnTopOfTheNativesWithoutGrowth() throws Exception {
        Path shipped = esr.home().resolve(
                "system/org/stateos/org.stateos.transcoder/0.1.0-SNAPSHOT/org.stateos.transcoder-0.1.0-SNAPSHOT.jar");
        String id = esr.bundleId("org.stateos.transcoder");
        String natives = esr.bundleId("org.stateos.codec-natives");
        swapTranscoder(shipped, id, 1);
        Footprint before = Footprint.of(esr.pid());
        for (int i = 2; i < 2 + CYCLES; i++) {
            swapTranscoder(shipped, id, i);
        }
        assertNoGrowth("transcoder bundle", before, Footprint.of(esr.pid()));
        assertTrue(esr.console().run("bundle:list -t 0 " + natives).contains("Active"), "codec-natives is not active");
    }

    private void swapTranscoder(Path shipped, String id, int patch) throws Exception {
        String version = "0.1." + patch;
        Path newer = BundleJars.sign(BundleJars.withVersion(shipped, jars.resolve("transcoder-" + version + ".jar"), version),
                vendor);
        esr.console().run("bundle:update --raw --refresh " + id + " file:" + newer.toAbsolutePath());
        Wait.until("transcoder " + version + " to answer transcoder:list with its codec worker READY", Duration.ofSeconds(20), () ->
                esr.console().run("bundle:list -t 0 " + id).contains(version)
                        && esr.console().run("transcoder:list").contains("transcodes") && codecWorkerSettled() ? true : null);
    }

    /** The transcoder's codec worker is READY, or there is none (isolation = in-process). */
    private boolean codecWorkerSettled() {
        String worker = esr.console().run("transcoder:worker");
        return worker.contains(" READY ") || worker.contains("isolation = in-process");
    }

    /** A leak grows by at least one per cycle; allow only the jitter of idle pool threads. */
    private static void assertNoGrowth(String what, Footprint before, Footprint after) {
        System.out.printf("%s, %d signed updates: %s -> %s%n", what, CYCLES, before, after);
        assertTrue(after.threads() <= before.threads() + 2, what + ": " + before + " -> " + after);
        assertEquals(before.bundleClassLoaders(), after.bundleClassLoaders(), what + ": " + before + " -> " + after);
    }

    /**
     * Swaps http and waits until the swap is complete. {@code bundle:update --refresh} only starts the framework's
     * refresh (FrameworkWiring.refreshBundles is asynchronous): the new revision serves at once, and media and webrtc
     * (which import org.stateos.http) and the transcoder (restarted with media's service) are refreshed after it on
     * the framework's own thread. The swap is complete once both are wired to the new revision and active again and
     * the restarted transcoder's codec worker, if any, is READY (its threads are part of the steady state). Measuring
     * earlier counts the revisions that refresh is about to drop, and the node's console keeps the command list of
     * the last line typed: a line typed mid-refresh holds them on until the next.
     */
    private void swapHttp(Path shipped, String id, int patch) throws Exception {
        String version = "0.1." + patch;
        Path newer = BundleJars.sign(BundleJars.withVersion(shipped, jars.resolve("http-" + version + ".jar"), version), vendor);
        String dependents = esr.bundleId("org.stateos.media") + " " + esr.bundleId("org.stateos.webrtc") + " "
                + esr.bundleId("org.stateos.transcoder");
        esr.console().run("bundle:update --raw --refresh " + id + " file:" + newer.toAbsolutePath());
        Wait.until("http " + version + " to serve, media and webrtc refreshed onto it", Duration.ofSeconds(20), () -> {
            if (!esr.console().run("bundle:list -t 0 " + id).contains(version)) {
                return null;
            }
            String users = esr.console().run("bundle:capabilities --namespace osgi.wiring.package " + id);
            if (!users.contains("org.stateos.media") || !users.contains("org.stateos.webrtc")) {
                return null;
            }
            String states = esr.console().run("bundle:list -t 0 " + dependents);
            if (states.split("Active", -1).length != 4 || !codecWorkerSettled()) {
                return null;
            }
            var status = esr.get("/api/status");
            return status != null && status.statusCode() == 200 ? true : null;
        });
    }

    private void update(int version) throws Exception {
        esr.console().run("bundle:update --raw " + helloId + " file:" + signedHello(version).toAbsolutePath());
        awaitServed(version);
    }

    private Path signedHello(int version) throws Exception {
        Path jar = BundleJars.variant(jars.resolve("hello-" + version + ".jar"), NAME, "1.0." + version, "v" + version);
        return BundleJars.sign(jar, vendor);
    }

    private void awaitServed(int version) {
        String expected = "hello 1.0." + version + " v" + version;
        Wait.until("GET /hello to answer '" + expected + "'", Duration.ofSeconds(10), () -> {
            var r = esr.get("/hello");
            return r != null && r.statusCode() == 200 && r.body().strip().equals(expected) ? true : null;
        });
        lastServed = version;
    }
}
