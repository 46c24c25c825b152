package org.stateos.fanoutbench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@link FloorBench}: the sink on the client's core, the sender on the server's core, in their own JVMs. */
final class Floor {
    private Floor() {
    }

    /** mode → {packets_per_s, cpu_us_per_packet, ...}. */
    static Map<String, JsonObject> run(Options o, Path work) throws Exception {
        String cp = System.getProperty("java.class.path");
        int port = 5999;
        Process sink = new ProcessBuilder("taskset", "-c", Integer.toString(o.clientCore()), "java", "-cp", cp,
                FloorBench.class.getName(), "sink", Integer.toString(port), Double.toString(o.floorSeconds() * 40 + 60))
                .redirectErrorStream(true).redirectOutput(work.resolve("floor-sink.log").toFile()).start();
        Map<String, JsonObject> modes = new LinkedHashMap<>();
        try {
            Wait.until("the floor's sink to bind", java.time.Duration.ofSeconds(20),
                    () -> readable(work.resolve("floor-sink.log")).contains("sink ready"));
            // the export lets the gso modes read the socket's descriptor, as bin/setenv lets the node
            Process send = new ProcessBuilder("taskset", "-c", Integer.toString(o.serverCore()), "java",
                    "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", cp,
                    FloorBench.class.getName(), "send", Integer.toString(port), Double.toString(o.floorSeconds()))
                    .redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(send.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    if (line.startsWith("{")) {
                        JsonObject m = JsonParser.parseString(line).getAsJsonObject();
                        modes.put(m.get("mode").getAsString(), m);
                        System.err.println("floor " + line);
                    } else {
                        System.err.println("floor: " + line);
                    }
                }
            }
            send.waitFor(60, TimeUnit.SECONDS);
        } finally {
            sink.destroy();
            sink.waitFor(10, TimeUnit.SECONDS);
        }
        String drained = readable(work.resolve("floor-sink.log")).lines().filter(l -> l.startsWith("sink drained"))
                .findFirst().orElse("sink: no count (see floor-sink.log)");
        System.err.println("floor " + drained);
        return modes;
    }

    private static String readable(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The protect+send mode matching the SRTP profile the viewers negotiated. */
    static String modeFor(String profile) {
        return profile != null && profile.startsWith("AES_CM") ? "ctr_hmac+send" : "gcm+send";
    }

    static List<String> modes() {
        return List.of(FloorBench.MODES);
    }
}
