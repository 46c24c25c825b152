package org.stateos.node.internal.command;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.stateos.api.node.NodeStatus;

/** esr:status output: a label/value table for the console, JSON for scripts. Pure functions. */
final class StatusFormat {
    static final String GATE_NOT_RUNNING = "gate not running";
    static final String UNAVAILABLE = "Node status unavailable: the node identity is not active.\n"
            + "Is data/stateos/node-key.pem damaged? Look for \"node key file\" in log:display.";
    private static final int LABEL = 11;
    private static final List<String> STATE_ORDER =
            List.of("ACTIVE", "RESOLVED", "STARTING", "STOPPING", "INSTALLED", "UNINSTALLED");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private StatusFormat() {}

    /** @param ioThreads the esr-io threads' scheduling, e.g. "2 threads, SCHED_FIFO 10" */
    static List<String> table(NodeStatus s, String ioThreads) {
        List<String> out = new ArrayList<>();
        row(out, "Node id", s.nodeId().toHex());
        row(out, "Firmware", s.firmwareVersion());
        row(out, "Started", s.startedAt().truncatedTo(ChronoUnit.SECONDS) + ", up " + uptime(s.uptime()));
        row(out, "Bundles", bundles(s.bundlesByState()));
        row(out, "Trust", trust(s.trust()));
        row(out, "I/O", "esr-io " + ioThreads);
        if (s.listening().isEmpty()) {
            row(out, "Listening", "none found");
        }
        for (int i = 0; i < s.listening().size(); i++) {
            row(out, i == 0 ? "Listening" : "", s.listening().get(i));
        }
        return out;
    }

    private static void row(List<String> out, String label, String value) {
        List<String> lines = Text.wrap(Text.clean(value), Text.WIDTH - LABEL);
        for (int i = 0; i < lines.size(); i++) {
            out.add((Text.padRight(i == 0 ? label : "", LABEL) + lines.get(i)).stripTrailing());
        }
    }

    /** "2d 03:04:05", or "03:04:05" under a day. */
    static String uptime(Duration d) {
        long s = Math.max(0, d.getSeconds());
        String hms = String.format("%02d:%02d:%02d", (s / 3600) % 24, (s / 60) % 60, s % 60);
        long days = s / 86400;
        return days > 0 ? days + "d " + hms : hms;
    }

    /** "63 total: ACTIVE 61, RESOLVED 1, INSTALLED 1", states in lifecycle order. */
    static String bundles(Map<String, Integer> byState) {
        Map<String, Integer> ordered = ordered(byState);
        int total = ordered.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder sb = new StringBuilder().append(total).append(" total");
        String sep = ": ";
        for (Map.Entry<String, Integer> e : ordered.entrySet()) {
            sb.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        return sb.toString();
    }

    static String trust(NodeStatus.TrustSummary t) {
        if (t == null) {
            return GATE_NOT_RUNNING;
        }
        String anchor = t.anchorSubject() == null || t.anchorSubject().isEmpty() ? "(none)" : t.anchorSubject();
        return t.trusted() + " trusted, " + t.refused() + " refused; anchor " + anchor;
    }

    static String unavailableJson() {
        JsonObject o = new JsonObject();
        o.addProperty("available", false);
        o.addProperty("reason", "node identity not active");
        return GSON.toJson(o);
    }

    static String json(NodeStatus s, String ioThreads) {
        JsonObject o = new JsonObject();
        o.addProperty("nodeId", s.nodeId().toHex());
        o.addProperty("firmwareVersion", s.firmwareVersion());
        o.addProperty("startedAt", s.startedAt().toString());
        o.addProperty("uptimeSeconds", s.uptime().getSeconds());
        JsonObject bundles = new JsonObject();
        ordered(s.bundlesByState()).forEach(bundles::addProperty);
        o.add("bundles", bundles);
        JsonObject trust = new JsonObject();
        trust.addProperty("running", s.trust() != null);
        if (s.trust() != null) {
            trust.addProperty("trusted", s.trust().trusted());
            trust.addProperty("refused", s.trust().refused());
            trust.addProperty("anchor", s.trust().anchorSubject());
        }
        o.add("trust", trust);
        o.addProperty("ioThreads", ioThreads);
        JsonArray listening = new JsonArray();
        s.listening().forEach(listening::add);
        o.add("listening", listening);
        return GSON.toJson(o);
    }

    private static Map<String, Integer> ordered(Map<String, Integer> byState) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String state : STATE_ORDER) {
            Integer n = byState.get(state);
            if (n != null && n > 0) {
                out.put(state, n);
            }
        }
        byState.entrySet().stream()
                .filter(e -> !out.containsKey(e.getKey()) && e.getValue() > 0)
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
