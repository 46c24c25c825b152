package org.stateos.node.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.stateos.trust.Verdict;

class TrustFormatTest {
    static final String VENDOR = "CN=StateOS Vendor,O=StateOS";

    static Verdict trusted(long id, String bsn, String version) {
        return new Verdict(id, bsn, version, "ab12", true, VENDOR, "signed by the vendor",
                Instant.parse("2025-03-01T08:15:31Z"));
    }

    static Verdict refused(long id, String bsn, String version, String signer, String reason) {
        return new Verdict(id, bsn, version, "cd34", false, signer, reason, Instant.parse("2025-03-01T08:20:00Z"));
    }

    static final List<Verdict> SAMPLE = List.of(
            trusted(0, "org.apache.felix.framework", "7.0.5"),
            trusted(14, "org.apache.karaf.shell.core", "4.4.10"),
            trusted(52, "io.netty.transport", "4.1.140.Final"),
            trusted(61, "org.stateos.node", "0.1.0.SNAPSHOT"),
            refused(73, "com.example.camera.onvif.discovery.adapter", "2.0.0", "CN=Example Corp",
                    "signer CN=Example Corp does not chain to the vendor anchor"),
            refused(74, "unsigned.thing", "1.0.0", "", "entry com/example/Patch.class is not signed"));

    @Test
    void printsOneRowPerBundleInEightyColumnsAndWrapsReasonsWhole() {
        List<String> table = TrustFormat.table(SAMPLE, false);
        assertEquals(List.of(
                "ID SYMBOLIC NAME                 VERSION        VERDICT SIGNER / REASON",
                " 0 org.apache.felix.framework    7.0.5          TRUSTED StateOS Vendor",
                "14 org.apache.karaf.shell.core   4.4.10         TRUSTED StateOS Vendor",
                "52 io.netty.transport            4.1.140.Final  TRUSTED StateOS Vendor",
                "61 org.stateos.node              0.1.0.SNAPSHOT TRUSTED StateOS Vendor",
                "73 ~mera.onvif.discovery.adapter 2.0.0          REFUSED signer CN=Example Corp",
                "                                                        does not chain to the",
                "                                                        vendor anchor",
                "74 unsigned.thing                1.0.0          REFUSED entry",
                "                                                        com/example/Patch.class",
                "                                                        is not signed",
                "6 bundles: 4 trusted, 2 refused."), table);
        table.forEach(line -> assertTrue(line.length() <= 80, line));
    }

    @Test
    void neverRunsPastColumnEightyAndNeverLosesAReasonWord() {
        String reason = "entry OSGI-INF/org.example.VeryLongComponentNameThatGoesOnAndOnForeverAndEver.xml"
                + " is not covered by the signature over the manifest";
        List<String> table = TrustFormat.table(List.of(
                refused(123456, "x".repeat(70), "1.0.0.v20250301-1200-very-long-qualifier", "", reason)), true);
        table.forEach(line -> assertTrue(line.length() <= 80, line.length() + ": " + line));
        String joined = String.join("", table.subList(1, table.size() - 1)).replaceAll("\\s+", "");
        assertTrue(joined.contains(reason.replaceAll("\\s+", "")), joined);
        assertEquals("1 refusal since boot, newest last (uninstalled bundles included).", table.get(table.size() - 1));
    }

    @Test
    void cleansEscapeSequencesFromBundleSuppliedText() {
        List<String> table = TrustFormat.table(List.of(
                refused(9, "evil\u001b]0;pwned\u0007", "1.0.0", "", "bad\u001b[2J")), false);
        table.forEach(line -> assertTrue(line.chars().noneMatch(c -> c < 0x20), line));
    }

    @Test
    void printsJsonWithTheGateStateAndEveryField() {
        JsonObject json = JsonParser.parseString(TrustFormat.json(true, VENDOR, SAMPLE)).getAsJsonObject();
        assertEquals(true, json.get("gateRunning").getAsBoolean());
        assertEquals(VENDOR, json.get("anchor").getAsString());
        JsonObject refusal = json.getAsJsonArray("verdicts").get(4).getAsJsonObject();
        assertEquals("REFUSED", refusal.get("verdict").getAsString());
        assertEquals(73, refusal.get("bundleId").getAsLong());
        assertEquals("signer CN=Example Corp does not chain to the vendor anchor", refusal.get("reason").getAsString());
        assertEquals("2025-03-01T08:20:00Z", refusal.get("checkedAt").getAsString());
        assertTrue(TrustFormat.json(true, VENDOR, SAMPLE).contains("\"CN=StateOS Vendor,O=StateOS\""), "no \\u003d");

        assertEquals("{\n  \"gateRunning\": false\n}", TrustFormat.json(false, null, List.of()));
    }
}
