package org.stateos.rtmp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real ffmpeg publishing a test pattern over RTMP; its output goes to a file; always destroyed on close. */
final class Ffmpeg implements AutoCloseable {
    final Process process;
    final Path log;

    private Ffmpeg(List<String> command, Path log) {
        this.log = log;
        try {
            this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ffmpeg (apt-get install ffmpeg)", e);
        }
    }

    /**
     * ffmpeg -re with a 320x240@25 test pattern and a 440 Hz tone, x264 (keyframe every 25 frames) and AAC.
     *
     * @param videoOptions e.g. {@code -profile:v baseline} or {@code -profile:v main -bf 2}
     */
    static Ffmpeg publish(String url, double seconds, Path dir, String... videoOptions) {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"));
        cmd.addAll(List.of(videoOptions));
        cmd.addAll(List.of("-c:a", "aac", "-t", String.valueOf(seconds), "-f", "flv", url));
        try {
            return new Ffmpeg(cmd, Files.createTempFile(dir, "ffmpeg", ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for ffmpeg to exit; returns its exit code, or fails after the deadline. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("ffmpeg still running after " + seconds + " s:\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
