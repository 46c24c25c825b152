package org.stateos.loadclient;

import java.net.URI;

/**
 * {@code java -jar stateos-load-client-*-cli.jar --url http://esr:8080/whep/<stream> --viewers N --seconds S
 * [--report json|text] [--reactors R] [--setup-threads T] [--ramp-ms M] [--latency-log FILE]}
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        URI url = null;
        int viewers = 1;
        double seconds = 20;
        String report = "text";
        int reactors = 1;
        int setupThreads = 2;
        int ramp = 20;
        java.nio.file.Path latencyLog = null;
        double warmup = -1;
        URI janus = null;
        int mountpoint = 1;
        double awaitConnected = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage(0);
            }
            if (i + 1 >= args.length) {
                usage(2);
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = URI.create(v);
                case "--viewers" -> viewers = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--report" -> report = v;
                case "--reactors" -> reactors = Integer.parseInt(v);
                case "--setup-threads" -> setupThreads = Integer.parseInt(v);
                case "--ramp-ms" -> ramp = Integer.parseInt(v);
                case "--latency-log" -> latencyLog = java.nio.file.Path.of(v);
                case "--warmup-seconds" -> warmup = Double.parseDouble(v);
                case "--janus" -> janus = URI.create(v);
                case "--mountpoint" -> mountpoint = Integer.parseInt(v);
                case "--await-connected-seconds" -> awaitConnected = Double.parseDouble(v);
                default -> usage(2);
            }
        }
        if (janus != null) {
            url = janus;
        }
        if (url == null || viewers < 1 || seconds <= 0 || reactors < 1 || setupThreads < 1 || ramp < 0
                || !(report.equals("json") || report.equals("text"))) {
            usage(2);
        }
        LoadRun.Options options = new LoadRun.Options(url, viewers, seconds, reactors, setupThreads, ramp,
                warmup < 0 ? Math.min(2, seconds / 4) : warmup, janus != null ? mountpoint : -1, awaitConnected);
        var glass = new org.stateos.loadclient.latency.GlassLatency(latencyLog);
        Report r = LoadRun.run(options, glass);
        glass.close();
        System.out.print(report.equals("json") ? glass.addTo(r.json()) : r.text() + glass.text());
        System.exit(r.totals().receiving == viewers ? 0 : 1);
    }

    private static void usage(int status) {
        System.err.println("usage: --url http://<esr>:8080/whep/<stream> [--viewers N (1)] [--seconds S (20)]"
                + " [--report text|json] [--reactors R (1)] [--setup-threads T (2)] [--ramp-ms M (20)]"
                + " [--latency-log FILE (glass-to-glass, one line per access unit)]"
                + " [--warmup-seconds W (2, at most half the hold)] [--await-connected-seconds A (0): wait for every"
                + " setup to end, at most A s, before the warm-up]\n"
                + "   or: --janus http://<janus>:8088/janus [--mountpoint ID (1)] ... (Janus streaming plugin, HTTP API)");
        System.exit(status);
    }
}
