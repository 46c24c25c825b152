package org.stateos.fanoutbench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child process started under {@code taskset -c CORE}, its output to a log file, ended with its descendants. */
public final class Pinned implements AutoCloseable {
    private final String name;
    private final Process process;
    final Path log;

    private Pinned(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Pinned start(String name, int core, List<String> command, Path dir, Path log,
            java.util.Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core)));
        cmd.addAll(command);
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        b.environment().putAll(env);
        Pinned p = new Pinned(name, b.start(), log);
        // A driver stopped with Ctrl-C or kill must not leave a node, Janus or ffmpeg behind in the namespace.
        Runtime.getRuntime().addShutdownHook(new Thread(p::close, "stop-" + name));
        return p;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The pid of the first descendant whose command ends with {@code suffix} (bin/karaf's JVM), else our own. */
    public long pidOf(String suffix) {
        return process.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith(suffix)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.toHandle().descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
            }
            for (ProcessHandle h : tree) {
                h.onExit().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
            System.err.println(name + ": did not end cleanly: " + e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
