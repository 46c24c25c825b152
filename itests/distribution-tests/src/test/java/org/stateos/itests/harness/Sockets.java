package org.stateos.itests.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** What a process listens on, as the kernel tells ss(8): independent of what the node says of itself. */
public final class Sockets {
    private Sockets() {}

    /** "tcp 8080", "udp 8189", ... for every listening TCP and bound UDP socket of {@code pid}. */
    public static Set<String> listening(long pid) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-H", "-tulnp").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
            throw new IOException("ss failed: " + out);
        }
        Set<String> sockets = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (!line.contains("pid=" + pid + ",")) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            String local = fields[4];
            sockets.add(fields[0] + " " + local.substring(local.lastIndexOf(':') + 1));
        }
        return sockets;
    }
}
