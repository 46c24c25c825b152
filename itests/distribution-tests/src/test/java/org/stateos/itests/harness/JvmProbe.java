package org.stateos.itests.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Reads a node's JVM from outside: thread count from /proc, class loaders through jcmd. */
public final class JvmProbe {
    private JvmProbe() {}

    public static int threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).strip());
            }
        }
        throw new IOException("no thread count for " + pid);
    }

    /**
     * Live OSGi bundle class loaders after full GCs (a leaked revision keeps its loader alive). Two GCs with a
     * pause between: an old revision whose last references are finalizable or Cleaner-tracked objects (the
     * live bundles' sockets and channels) is only collected by the GC after the reference handler ran, and
     * is no leak.
     */
    public static int bundleClassLoaders(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Thread.sleep(500);
        jcmd(pid, "GC.run");
        String stats = jcmd(pid, "VM.classloader_stats");
        int count = 0;
        for (String line : stats.split("\n")) {
            if (line.contains("BundleClassLoader")) {
                count++;
            }
        }
        return count;
    }

    public static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
