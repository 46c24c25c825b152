package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.itests.harness.BundleJars;
import org.stateos.itests.harness.Esr;
import org.stateos.itests.harness.JvmProbe;
import org.stateos.itests.harness.Wait;
import org.stateos.signing.VendorKey;

/** Signed updates replace running bundles without a restart; unsigned ones are refused and rolled back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotSwapTest {
    private static final Pattern BUNDLE_ID = Pattern.compile("Bundle ID: (\\d+)");
    private static final String NAME = "org.stateos.itests.hello.swap";
    private static final int CYCLES = 20;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path work;
    Esr esr;
    VendorKey vendor;
    Path jars;
    long helloId;
    int lastServed;

    @BeforeAll
    void boot() throws Exception {
        vendor = BundleJars.vendorKey();
        jars = Files.createDirectories(work.resolve("jars"));
        esr = Esr.boot(work);
        esr.awaitHttp(Duration.ofSeconds(90));
    }

    @AfterAll
    void shutdown() {
        if (esr != null) {
            esr.close();
        }
    }

    @Test
    @Order(1)
    void signedUpdatesReplaceTheRunningBundleWithoutGrowth() throws Exception {
        String out = esr.console().run("bundle:install -s file:" + signedHello(0).toAbsolutePath());
        Matcher m = BUNDLE_ID.matcher(out);
        assertTrue(m.find(), out);
        helloId = Long.parseLong(m.group(1));
        awaitServed(0);

        // Two warm-up cycles let lazily created pools (shell, fileinstall) reach their size.
        update(1);
        update(2);
        long pid = esr.pid();
        int threadsBefore = JvmProbe.threads(pid);
        int loadersBefore = JvmProbe.bundleClassLoaders(pid);
        for (int i = 3; i < 3 + CYCLES; i++) {
            update(i);
        }
        int threadsAfter = JvmProbe.threads(pid);
        int loadersAfter = JvmProbe.bundleClassLoaders(pid);
        System.out.printf("hot swap, %d cycles: threads %d -> %d, bundle class loaders %d -> %d%n",
                CYCLES, threadsBefore, threadsAfter, loadersBefore, loadersAfter);
        // A leak grows by at least one per cycle; allow only the jitter of idle pool threads.
        assertTrue(threadsAfter <= threadsBefore + 2, "threads grew from " + threadsBefore + " to " + threadsAfter);
        assertEquals(loadersBefore, loadersAfter, "bundle class loaders");
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
        String id = esr.console().run("bundle:list -t 0 -s | grep org.stateos.http").strip().split("\\s+")[0];
        swapHttp(shipped, id, 1);
        long pid = esr.pid();
        int threadsBefore = JvmProbe.threads(pid);
        int loadersBefore = JvmProbe.bundleClassLoaders(pid);
        for (int i = 2; i < 2 + CYCLES; i++) {
            swapHttp(shipped, id, i);
        }
        int threadsAfter = JvmProbe.threads(pid);
        int loadersAfter = JvmProbe.bundleClassLoaders(pid);
        System.out.printf("http bundle swap, %d cycles: threads %d -> %d, bundle class loaders %d -> %d%n",
                CYCLES, threadsBefore, threadsAfter, loadersBefore, loadersAfter);
        assertTrue(threadsAfter <= threadsBefore + 2, "threads grew from " + threadsBefore + " to " + threadsAfter);
        assertEquals(loadersBefore, loadersAfter, "bundle class loaders");
    }

    private void swapHttp(Path shipped, String id, int patch) throws Exception {
        String version = "0.1." + patch;
        Path newer = BundleJars.sign(BundleJars.withVersion(shipped, jars.resolve("http-" + version + ".jar"), version), vendor);
        esr.console().run("bundle:update --raw --refresh " + id + " file:" + newer.toAbsolutePath());
        Wait.until("http " + version + " to serve", Duration.ofSeconds(20), () ->
                esr.console().run("bundle:list -t 0 " + id).contains(version)
                        && esr.get("/api/status") != null && esr.get("/api/status").statusCode() == 200 ? true : null);
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
