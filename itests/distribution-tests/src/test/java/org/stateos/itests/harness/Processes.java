package org.stateos.itests.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ending external processes (with their children) and reading their transcripts. */
public final class Processes {
    private Processes() {}

    /**
     * Ends {@code root} and every process below it: SIGTERM to all, then SIGKILL to whatever is still
     * alive after {@code grace}. Returns without waiting longer than about {@code grace} + 5 s.
     */
    public static void killTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>();
        root.descendants().forEach(all::add);
        all.add(root);
        for (ProcessHandle p : all) {
            p.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a process that survives SIGKILL for 5 s is the kernel's business now
            }
        }
    }

    /** The last {@code lines} lines of a text file ('\r' progress lines split too), or a note why there are none. */
    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n');
            String[] all = text.split("\n");
            int from = Math.max(0, all.length - lines);
            StringBuilder out = new StringBuilder();
            for (int i = from; i < all.length; i++) {
                if (!all[i].isBlank()) {
                    out.append(all[i]).append('\n');
                }
            }
            return out.toString();
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Deletes a directory tree, best effort. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a profile file still held open
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
