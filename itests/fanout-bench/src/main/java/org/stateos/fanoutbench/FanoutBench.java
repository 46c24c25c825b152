package org.stateos.fanoutbench;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fan-out benchmark driver (run.sh runs it inside its own network namespace): the floor, then the node's ramp,
 * then Janus's, then the table, the ratios and target/fanout-*.json.
 */
public final class FanoutBench {
    private FanoutBench() {
    }

    public static void main(String[] args) throws Exception {
        // run.sh passes the paths as system properties; the user's options are the arguments.
        Path out = Path.of(System.getProperty("fanout.out"));
        // --tarball=PATH (first) runs another distribution build, e.g. a copy kept from before a change.
        String tarball = System.getProperty("fanout.tarball");
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--tarball=")) {
                tarball = a.substring("--tarball=".length());
            } else {
                rest.add(a);
            }
        }
        args = rest.toArray(String[]::new);
        Options o = Options.parse(args, out, Path.of(tarball),
                Path.of(System.getProperty("fanout.clientJar")), Path.of(System.getProperty("fanout.media")),
                Path.of(System.getProperty("fanout.janusConfig")));
        String stamp = Instant.now().toString().replace(':', '-').replaceAll("\\..*", "");
        Path work = out.resolve("run-" + stamp);
        Files.createDirectories(work);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("started", Instant.now().toString());
        doc.put("label", o.label());
        doc.put("machine", Machine.describe());
        doc.put("options", o.toString());

        Map<String, JsonObject> floor = new LinkedHashMap<>();
        if (o.floorSeconds() > 0) {
            System.err.println("== floor: SRTP protect + UDP send per packet, pinned to core " + o.serverCore());
            floor = Floor.run(o, work);
        }
        doc.put("floor", floor);
        List<Step> ours = new ArrayList<>();
        List<Step> janus = new ArrayList<>();
        Ramp ramp = new Ramp(o, work);
        if (o.ours()) {
            System.err.println("== stateos: ESR on core " + o.serverCore() + ", ffmpeg + load client on core " + o.clientCore());
            try (EsrTarget t = EsrTarget.start(o.tarball(), work, o.media(), o.serverCore(), o.clientCore(), o.heap(), o.nodeOpts(),
                    Math.max(1100, o.max() + 100))) {
                double base = ramp.baseline(t, o.baselineSeconds());
                System.err.printf("baseline (0 viewers, stream published): %.1f %% of a core%n", base * 100);
                doc.put("stateos_baseline_core", base);
                System.err.println(Report.header());
                ours = ramp.run(t, base, o.steps());
            }
        }
        if (o.janus()) {
            System.err.println("== janus: on core " + o.serverCore() + ", ffmpeg (RTP) + load client on core " + o.clientCore());
            try (JanusTarget t = JanusTarget.start(o.janusConfig(), work, o.media(), o.serverCore(), o.clientCore())) {
                double base = ramp.baseline(t, o.baselineSeconds());
                System.err.printf("baseline (0 viewers, stream fed): %.1f %% of a core%n", base * 100);
                doc.put("janus_baseline_core", base);
                System.err.println(Report.header());
                janus = ramp.run(t, base, o.steps());
            } catch (IllegalStateException e) {
                System.err.println("janus: not measured: " + e.getMessage());
                doc.put("janus_error", e.getMessage());
            }
        }
        doc.put("stateos", ours);
        doc.put("janus", janus);
        StringBuilder table = new StringBuilder(Report.header()).append('\n');
        for (Step s : ours) {
            table.append(Report.row(s)).append('\n');
        }
        for (Step s : janus) {
            table.append(Report.row(s)).append('\n');
        }
        String summary = Report.summary(o, floor, ours, janus, doc);
        doc.put("finished", Instant.now().toString());
        doc.put("load_average_end", Machine.loadAverage());
        Path json = out.resolve("fanout-" + stamp + (o.label().isEmpty() ? "" : "-" + o.label()) + ".json");
        Files.writeString(json, Report.json(doc));
        System.out.println(table + summary);
        System.out.println("JSON: " + json + "\nlogs: " + work);
    }
}
