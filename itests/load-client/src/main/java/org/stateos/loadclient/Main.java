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
                default -> usage(2);
            }
        }
        if (url == null || viewers < 1 || seconds <= 0 || reactors < 1 || setupThreads < 1 || ramp < 0
                || !(report.equals("json") || report.equals("text"))) {
            usage(2);
        }
        var glass = new org.stateos.loadclient.latency.GlassLatency(latencyLog);
        Report r = LoadRun.run(new LoadRun.Options(url, viewers, seconds, reactors, setupThreads, ramp), glass);
        glass.close();
        System.out.print(report.equals("json") ? glass.addTo(r.json()) : r.text() + glass.text());
        System.exit(r.totals().receiving == viewers ? 0 : 1);
    }

    private static void usage(int status) {
        System.err.println("usage: --url http://<esr>:8080/whep/<stream> [--viewers N (1)] [--seconds S (20)]"
                + " [--report text|json] [--reactors R (1)] [--setup-threads T (2)] [--ramp-ms M (20)]"
                + " [--latency-log FILE (glass-to-glass, one line per access unit)]");
        System.exit(status);
    }
}
