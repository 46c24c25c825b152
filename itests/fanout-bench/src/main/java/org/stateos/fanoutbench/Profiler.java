package org.stateos.fanoutbench;

import java.nio.file.Path;

/**
 * Starts a JFR recording (the JDK's "profile" settings) in the node for one step's window, with jcmd pinned to the
 * client's core so its own JVM start does not land on the server's core. Summarise with tools/jfr-top.py.
 */
final class Profiler {
    private Profiler() {
    }

    static void start(long pid, int core, double seconds, Path file) {
        try {
            new ProcessBuilder("taskset", "-c", Integer.toString(core), "jcmd", Long.toString(pid), "JFR.start",
                    "settings=profile", "duration=" + (int) Math.max(1, seconds - 1) + "s", "filename=" + file)
                    .redirectErrorStream(true).redirectOutput(file.resolveSibling(file.getFileName() + ".jcmd.log").toFile())
                    .start();
            System.err.println("JFR recording " + file);
        } catch (java.io.IOException e) {
            System.err.println("JFR not started: " + e.getMessage());
        }
    }
}
