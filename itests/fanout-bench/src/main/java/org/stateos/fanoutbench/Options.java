package org.stateos.fanoutbench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The driver's options ({@code --name=value}); run.sh fills in the paths. */
record Options(int max, double seconds, double warmup, int rampMs, int setupThreads, double awaitConnected, List<Integer> steps, boolean janus, boolean ours,
        boolean keepGoing, double floorSeconds, double baselineSeconds, int serverCore, int clientCore, String heap,
        String nodeOpts, double maxLossPercent, double maxP99Ms, int jfrAt, Path tarball, Path clientJar, Path media, Path janusConfig, Path out,
        String label) {

    static final String USAGE = """
            options (--name=value):
              --max=N            largest viewer count to try (1000)
              --steps=a,b,c      viewer counts (25,50,100,200,400,700,1000), cut at --max
              --seconds=S        steady window per step (20)       --warmup=W  seconds before it (15)
              --ramp-ms=M        between viewer opens (10)          --keep-going  run every step even after a failure
              --await-connected=S  wait up to S s for every setup to end before the warm-up (120)
              --setup-threads=T  the load client's signalling + DTLS threads (4)
              --only=stateos|janus|floor  one part only (default all)
              --floor-seconds=S  per floor mode (3)                 --baseline-seconds=S  0-viewer window (10)
              --server-core=0 --client-core=1  --heap=512m
              --node-opts="..."  JVM options added to the node's (e.g. -XX:+PreserveFramePointer for perf)
              --max-loss=0.5 (percent)  --max-p99-ms=50
              --label=TEXT       a name for this run in the JSON (e.g. before/after)
              --jfr=N            record a JFR profile of the node over step N's window (run dir/stateos-N.jfr)
            """;

    static Options parse(String[] args, Path out, Path tarball, Path clientJar, Path media, Path janusConfig) {
        int max = 1000;
        double seconds = 20;
        double warmup = 15;
        int rampMs = 10;
        double awaitConnected = 120;
        int setupThreads = 4;
        List<Integer> steps = List.of(25, 50, 100, 200, 400, 700, 1000);
        String only = "all";
        boolean keepGoing = false;
        double floorSeconds = 3;
        double baselineSeconds = 10;
        int serverCore = 0;
        int clientCore = 1;
        String heap = "512m";
        String nodeOpts = "";
        double maxLoss = 0.5;
        double maxP99 = 50;
        String label = "";
        int jfrAt = -1;
        for (String a : args) {
            String k = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            switch (k) {
                case "--max" -> max = Integer.parseInt(v);
                case "--steps" -> {
                    List<Integer> s = new ArrayList<>();
                    for (String x : v.split(",")) {
                        s.add(Integer.parseInt(x.trim()));
                    }
                    steps = s;
                }
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--ramp-ms" -> rampMs = Integer.parseInt(v);
                case "--await-connected" -> awaitConnected = Double.parseDouble(v);
                case "--setup-threads" -> setupThreads = Integer.parseInt(v);
                case "--only" -> only = v;
                case "--keep-going" -> keepGoing = true;
                case "--floor-seconds" -> floorSeconds = Double.parseDouble(v);
                case "--baseline-seconds" -> baselineSeconds = Double.parseDouble(v);
                case "--server-core" -> serverCore = Integer.parseInt(v);
                case "--client-core" -> clientCore = Integer.parseInt(v);
                case "--heap" -> heap = v;
                case "--node-opts" -> nodeOpts = v;
                case "--max-loss" -> maxLoss = Double.parseDouble(v);
                case "--max-p99-ms" -> maxP99 = Double.parseDouble(v);
                case "--label" -> label = v;
                case "--jfr" -> jfrAt = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        final int cap = max;
        List<Integer> cut = steps.stream().filter(n -> n <= cap).toList();
        return new Options(max, seconds, warmup, rampMs, setupThreads, awaitConnected, cut, only.equals("all") || only.equals("janus"),
                only.equals("all") || only.equals("stateos"), keepGoing,
                only.equals("all") || only.equals("floor") ? floorSeconds : 0, baselineSeconds, serverCore, clientCore,
                heap, nodeOpts, maxLoss, maxP99, jfrAt, tarball, clientJar, media, janusConfig, out, label);
    }
}
