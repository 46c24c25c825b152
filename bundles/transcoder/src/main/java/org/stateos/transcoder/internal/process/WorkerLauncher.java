package org.stateos.transcoder.internal.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.stateos.transcoder.internal.worker.WorkerMain;

/**
 * The worker's command line: this JVM's own {@code java} ({@code java.home}, part of the sealed image), the
 * configured options, the class path of {@link WorkerClassPath}, and nothing that could pull code from elsewhere
 * (the environment variables the JVM reads options from are cleared by {@link WorkerProcess}).
 */
public final class WorkerLauncher {
    /** In every worker's command line: how a benchmark or an operator finds the worker among the node's children. */
    public static final String MARKER = "-Dstateos.worker=transcoder";

    private final WorkerClassPath classPath;
    private final List<String> jvmOptions;
    private final Path errorDir;
    private final String javacppCache;

    /**
     * @param errorDir     where a crashing worker writes its hs_err file (null: the working directory)
     * @param javacppCache JavaCPP's extraction directory (null: JavaCPP's default)
     */
    public WorkerLauncher(WorkerClassPath classPath, List<String> jvmOptions, Path errorDir, String javacppCache) {
        this.classPath = classPath;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.errorDir = errorDir;
        this.javacppCache = javacppCache;
    }

    /** The crash report a worker that crashed left (the JVM writes one on any fatal signal), or null. */
    Path crashReport(long pid) {
        Path p = (errorDir != null ? errorDir : Path.of("")).toAbsolutePath()
                .resolve(errorDir != null ? "transcoder-worker-hs_err-" + pid + ".log" : "hs_err_pid" + pid + ".log");
        return java.nio.file.Files.exists(p) ? p : null;
    }

    List<String> command() throws IOException {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.addAll(jvmOptions);
        c.add("-XX:+ExitOnOutOfMemoryError");    // an OOM ends the worker (exit 3) and the supervisor restarts it
        // a crash leaves an hs_err file, not a core of hundreds of MB (and the JVM then exits with 1, not SIGABRT)
        c.add("-XX:-CreateCoredumpOnCrash");
        // the JVM's own warnings go to stderr, not into the protocol (its crash banner still goes to stdout: WorkerProcess
        // waits for the exit before it blames the protocol)
        c.add("-XX:+DisplayVMOutputToStderr");
        c.add("-XX:-UsePerfData");
        if (errorDir != null) {
            c.add("-XX:ErrorFile=" + errorDir.resolve("transcoder-worker-hs_err-%p.log"));
        }
        if (javacppCache != null) {
            c.add("-Dorg.bytedeco.javacpp.cachedir=" + javacppCache);
        }
        // JavaCPP's default limit is twice the heap for the whole RSS, which the natives alone approach with -Xmx64m
        c.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        c.add(MARKER);
        c.add("-cp");
        c.add(classPath.classPath());
        c.add(WorkerMain.class.getName());
        return c;
    }
}
