package org.stateos.itests.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load client's latency tools as processes: the stamping publisher (ffmpeg → SEI wall-clock stamp → ffmpeg
 * RTMP) and the WHEP load client with its glass-to-glass readout. Both come from the load client's cli jar
 * ({@code stateos.loadclient.jar}, built by the reactor before this module).
 */
public final class LatencyTools {
    private LatencyTools() {
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("stateos.loadclient.jar",
                "../load-client/target/stateos-load-client-0.1.0-SNAPSHOT-cli.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no load client at " + jar.toAbsolutePath() + ": build itests/load-client first");
        }
        return jar;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A running stamping publisher; closing it ends it and its two ffmpeg processes. */
    public static final class Publisher implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Publisher(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public String tail(int lines) {
            return Processes.tail(log, lines);
        }

        @Override
        public void close() {
            Processes.killTree(process.toHandle(), Duration.ofSeconds(5));
        }
    }

    /** Publishes {@code file} looped with -c copy, or (file null) a live 720p30 libx264 zerolatency test source. */
    public static Publisher publish(String rtmpUrl, Path file, Path logDir, String name) throws IOException {
        return publish(rtmpUrl, file, false, logDir, name);
    }

    /** As above; {@code audio} adds a 1 kHz AAC tone to the live test source (file null only). */
    public static Publisher publish(String rtmpUrl, Path file, boolean audio, Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", jar().toString(),
                "org.stateos.loadclient.latency.StampingPublisher", "--rtmp", rtmpUrl, "--ffmpeg", Ffmpeg.BINARY));
        if (file != null) {
            cmd.addAll(List.of("--file", file.toString(), "--loop"));
        } else {
            cmd.add("--testsrc");
            if (audio) {
                cmd.add("--audio");
            }
        }
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Publisher(p, log);
    }

    /** Makes {@code seconds} of 720p30 H264 (no B-frames, 2 s GOP, 2.5 Mbit/s) for the -c copy source. */
    public static Path clip(Path file, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Ffmpeg.BINARY, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=1280x720:rate=30", "-t", Integer.toString(seconds), "-c:v", "libx264", "-preset", "veryfast",
                "-bf", "0", "-g", "60", "-b:v", "2500k", "-maxrate", "2500k", "-bufsize", "2500k", "-pix_fmt", "yuv420p",
                file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("ffmpeg could not make the clip " + file);
        }
        return file;
    }

    /** Runs the load client to its end; its JSON report (with "glass_to_glass"). */
    public static String loadClient(String whepUrl, int viewers, int seconds, Path logDir, String name)
            throws IOException, InterruptedException {
        Path out = logDir.resolve(name + ".json");
        Path err = logDir.resolve(name + ".err");
        Process p = new ProcessBuilder(java(), "-jar", jar().toString(), "--url", whepUrl, "--viewers",
                Integer.toString(viewers), "--seconds", Integer.toString(seconds), "--report", "json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            Processes.killTree(p.toHandle(), Duration.ofSeconds(3));
            throw new AssertionError("the load client did not end within " + (seconds + 120) + " s");
        }
        return Files.readString(out);
    }
}
