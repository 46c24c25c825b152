package org.stateos.node.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.stateos.api.node.NodeId;
import org.stateos.api.node.NodeStatus;

class StatusFormatTest {
    static final NodeId ID = NodeId.parse("3f9a1c0b7e214d5a8c6b2e0f1a3d5c7e9b1f2a4c6e8d0b2a4c6e8f0a1b3c5d7e");

    static final String IO = "2 threads, SCHED_FIFO 10";

    static NodeStatus sample(NodeStatus.TrustSummary trust) {
        return new NodeStatus(ID, "0.1.0.SNAPSHOT", Instant.parse("2025-03-01T08:15:30.123Z"),
                Duration.ofSeconds(2 * 86400 + 3 * 3600 + 4 * 60 + 5),
                Map.of("ACTIVE", 61, "RESOLVED", 1, "INSTALLED", 1), trust,
                List.of("tcp 0.0.0.0:8080", "tcp [::]:8101", "tcp [::]:8443", "udp [::]:8189"));
    }

    @Test
    void printsAnEightyColumnTable() {
        List<String> table = StatusFormat.table(sample(
                new NodeStatus.TrustSummary(62, 1, "CN=StateOS Vendor,O=StateOS")), IO);
        assertEquals(List.of(
                "Node id    3f9a1c0b7e214d5a8c6b2e0f1a3d5c7e9b1f2a4c6e8d0b2a4c6e8f0a1b3c5d7e",
                "Firmware   0.1.0.SNAPSHOT",
                "Started    2025-03-01T08:15:30Z, up 2d 03:04:05",
                "Bundles    63 total: ACTIVE 61, RESOLVED 1, INSTALLED 1",
                "Trust      62 trusted, 1 refused; anchor CN=StateOS Vendor,O=StateOS",
                "I/O        esr-io 2 threads, SCHED_FIFO 10",
                "Listening  tcp 0.0.0.0:8080",
                "           tcp [::]:8101",
                "           tcp [::]:8443",
                "           udp [::]:8189"), table);
        table.forEach(line -> assertTrue(line.length() <= 80, line));
    }

    @Test
    void saysTheGateIsNotRunningRatherThanZeroZero() {
        List<String> table = StatusFormat.table(sample(null), IO);
        assertEquals("Trust      gate not running", table.get(4));
        JsonObject json = JsonParser.parseString(StatusFormat.json(sample(null), IO)).getAsJsonObject();
        assertEquals(false, json.getAsJsonObject("trust").get("running").getAsBoolean());
        assertTrue(!json.getAsJsonObject("trust").has("trusted"));
    }

    @Test
    void wrapsALongAnchorInsteadOfRunningPastColumnEighty() {
        String anchor = "CN=StateOS Vendor Release Signing Key 2025,OU=Firmware Engineering,O=StateOS Project,L=Somewhere,C=DE";
        List<String> table = StatusFormat.table(sample(new NodeStatus.TrustSummary(1, 0, anchor)), IO);
        table.forEach(line -> assertTrue(line.length() <= 80, line));
        assertTrue(String.join(" ", table).replaceAll("\\s+", " ").contains(anchor.replaceAll("\\s+", " ")));
    }

    @Test
    void printsJsonForScripts() {
        String json = StatusFormat.json(sample(new NodeStatus.TrustSummary(62, 1, "CN=StateOS Vendor,O=StateOS")), IO);
        assertEquals("""
                {
                  "nodeId": "3f9a1c0b7e214d5a8c6b2e0f1a3d5c7e9b1f2a4c6e8d0b2a4c6e8f0a1b3c5d7e",
                  "firmwareVersion": "0.1.0.SNAPSHOT",
                  "startedAt": "2025-03-01T08:15:30.123Z",
                  "uptimeSeconds": 183845,
                  "bundles": {
                    "ACTIVE": 61,
                    "RESOLVED": 1,
                    "INSTALLED": 1
                  },
                  "trust": {
                    "running": true,
                    "trusted": 62,
                    "refused": 1,
                    "anchor": "CN=StateOS Vendor,O=StateOS"
                  },
                  "ioThreads": "2 threads, SCHED_FIFO 10",
                  "listening": [
                    "tcp 0.0.0.0:8080",
                    "tcp [::]:8101",
                    "tcp [::]:8443",
                    "udp [::]:8189"
                  ]
                }""", json);
    }

    @Test
    void explainsAMissingStatusServiceInEightyColumns() {
        for (String line : StatusFormat.UNAVAILABLE.split("\n")) {
            assertTrue(line.length() <= 80, line);
        }
        assertEquals(false, JsonParser.parseString(StatusFormat.unavailableJson()).getAsJsonObject()
                .get("available").getAsBoolean());
    }

    @Test
    void formatsUptime() {
        assertEquals("00:00:59", StatusFormat.uptime(Duration.ofSeconds(59)));
        assertEquals("1d 00:00:00", StatusFormat.uptime(Duration.ofDays(1)));
    }
}
