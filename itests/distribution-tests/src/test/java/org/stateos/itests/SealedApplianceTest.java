package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.stateos.itests.harness.BootedNode;
import org.stateos.itests.harness.Esr;
import org.stateos.itests.harness.Sockets;
import org.stateos.itests.harness.Wait;

/** Boots the real signed distribution once and checks what an operator sees of the sealed appliance. */
class SealedApplianceTest extends BootedNode {
    private static final Pattern BUNDLE_ROW = Pattern.compile("^\\s*(\\d+)\\s*│\\s*(\\w+)\\s*│\\s*(\\d+)\\s*│\\s*(\\S+)\\s*│\\s*(.*)$");

    JsonObject status;

    @BeforeAll
    void readStatus() {
        status = JsonParser.parseString(firstStatus).getAsJsonObject();
    }

    @Test
    @Order(1)
    void everyShippedBundleIsActive() {
        List<String> notActive = Wait.until("every bundle to be active", Duration.ofSeconds(60), () -> {
            List<String> rows = bundleRows();
            List<String> bad = new ArrayList<>();
            for (String row : rows) {
                Matcher m = BUNDLE_ROW.matcher(row);
                m.matches();
                String state = m.group(2);
                if (!state.equals("Active") && !(state.equals("Resolved") && isFragment(m.group(1)))) {
                    bad.add(row);
                }
            }
            return rows.size() > 40 && bad.isEmpty() ? bad : null;
        });
        assertTrue(notActive.isEmpty());
    }

    @Test
    @Order(2)
    void esrStatusShowsIdentityVersionBundlesTrustAndPorts() {
        String out = esr.console().run("esr:status");
        String nodeId = status.get("nodeId").getAsString();
        assertTrue(nodeId.matches("[0-9a-f]{64}"), nodeId);
        assertTrue(out.contains("Node id    " + nodeId), out);
        assertTrue(out.contains("Firmware   0.1.0"), out);
        assertTrue(out.matches("(?s).*Started .*, up \\d.*"), out);
        assertTrue(out.matches("(?s).*Bundles    \\d+ total: ACTIVE \\d+.*"), out);
        assertTrue(out.matches("(?s).*Trust      \\d+ trusted, 0 refused; anchor CN=StateOS Development Vendor.*"), out);
        // the esr-io threads as the kernel runs them (real time where the node may have it, normal otherwise)
        assertTrue(out.matches("(?s).*I/O        esr-io \\d+ threads?, (SCHED_FIFO 10|normal).*"), out);
        assertTrue(out.contains("tcp [::]:8080") || out.contains("tcp 0.0.0.0:8080"), out);
    }

    @Test
    @Order(2)
    void everyStateosCommandIsInTheConsole() {
        assertTrue(esr.console().run("esr:version").contains("0.1.0"));
        assertTrue(esr.console().run("trust:list").contains("org.stateos.trust"));
        String routes = esr.console().run("http:routes");
        assertTrue(routes.contains("/api/status") && routes.contains("8080"), routes);
        assertTrue(esr.console().run("transcoder:list").contains("0 transcodes"), "transcoder:list missing");
        String page = esr.get("/").body();
        assertTrue(page.contains("<html") && page.contains("/api/status"), page);
    }

    @Test
    @Order(2)
    void unitStoreOpensItsFileBackedDeviceOnFirstBoot() {
        String stats = Wait.until("store:stats to answer", Duration.ofSeconds(60), () -> {
            String out = esr.console().run("store:stats");
            return out.contains("Device") ? out : null;
        });
        assertTrue(stats.contains("data/store/store.img"), stats);
        assertTrue(stats.contains("I/O        direct") || stats.contains("I/O        buffered"), stats);
        // the log threads at the configured real-time priority, or the normal policy (with the reason) without it
        assertTrue(stats.matches("(?s).*Threads    log writer and I/O at (SCHED_FIFO 5|normal).*"), stats);
        assertTrue(esr.console().run("store:fsck").contains("Result     CLEAN"));
    }

    @Test
    @Order(3)
    void listensOnlyOnItsConfiguredServicePorts() throws Exception {
        // HTTP, RTMP ingest and the one WebRTC media port (the live path, issue 4); nothing else.
        assertEquals(Set.of("tcp " + Esr.HTTP_PORT, "tcp " + Esr.RTMP_PORT, "udp " + Esr.WEBRTC_UDP_PORT),
                Sockets.listening(esr.pid()));
    }

    @Test
    @Order(4)
    void commandsThatOpenTheBoxAreGone() throws Exception {
        for (String command : List.of("shell:exec id", "exec id", "shell:java java.lang.Object", "shell:new java.lang.Object",
                "shell:addCommand x y z")) {
            String out = esr.console().run(command);
            assertTrue(out.contains("Command not found"), command + " -> " + out);
            assertFalse(out.contains("uid="), out);
        }
        // Removed from the registry, not just hidden by the ACL in etc/.
        String log = Wait.until("the seal to be logged", Duration.ofSeconds(10),
                () -> { try { String l = esr.log(); return l.contains("Sealed console: removed shell:exec") ? l : null; } catch (Exception e) { return null; } });
        assertTrue(log.contains("Sealed console: removed shell:new"));
    }

    @Test
    @Order(5)
    void nodeKeyIsPrivateToTheNode() throws Exception {
        Path key = esr.home().resolve("data/stateos/node-key.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        for (Path cfg : Files.list(esr.home().resolve("etc")).filter(Files::isRegularFile).toList()) {
            assertFalse(Files.readString(cfg).contains("PRIVATE KEY"), cfg + " holds a private key");
        }
    }

    @Test
    @Order(6)
    void logoutAndCtrlDLeaveTheNodeRunning() {
        esr.console().send("logout\n");
        esr.console().send("\u0004");
        assertEquals("still-here", esr.console().run("echo still-here"));
        Wait.holds("the node to keep running and serving", Duration.ofSeconds(3),
                () -> esr.isAlive() && esr.get("/api/status") != null && esr.get("/api/status").statusCode() == 200);
    }

    @Test
    @Order(7)
    void nodeIdSurvivesARestart() throws Exception {
        String before = status.get("nodeId").getAsString();
        esr.close();
        Wait.until("port 8080 to be free", Duration.ofSeconds(30), () -> esr.get("/api/status") == null);
        esr = Esr.start(esr.home());
        JsonObject after = JsonParser.parseString(esr.awaitHttp(Duration.ofSeconds(90))).getAsJsonObject();
        assertEquals(before, after.get("nodeId").getAsString());
    }

    private boolean isFragment(String bundleId) {
        return esr.console().run("bundle:headers " + bundleId).contains("Fragment-Host");
    }

    private List<String> bundleRows() {
        String out = esr.console().run("bundle:list -t 0");
        List<String> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (BUNDLE_ROW.matcher(line).matches()) {
                rows.add(line);
            }
        }
        return rows;
    }
}
