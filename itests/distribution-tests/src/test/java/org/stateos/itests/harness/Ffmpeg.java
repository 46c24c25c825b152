package org.stateos.itests.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ffmpeg publishing a test pattern (H264 baseline, no B-frames, 1 s GOP, AAC) over RTMP, as a
 * broadcaster would. Its stderr goes to {@code <name>.log} in the log folder (every run appended, with a
 * header); its machine-readable progress ({@code -progress pipe:1}) is read live, so the test knows how
 * many frames went out. {@link #stop()} asks ffmpeg to finish ('q' on its stdin) so the last frame count is
 * exact and the publisher unpublishes cleanly; {@link #kill()} does not ask.
 */
public final class Ffmpeg implements AutoCloseable {
    public static final String BINARY = System.getProperty("stateos.ffmpeg", "/usr/bin/ffmpeg");

    private final String url;
    private final int width;
    private final int height;
    private final int fps;
    private final Path log;
    private Process process;
    private Thread reaper;
    private Thread reader;
    private volatile Progress progress;
    private volatile Instant firstFrameAt;
    private Instant startedAt;
    private int runs;
    private boolean runEnded;

    /** What ffmpeg last reported: frames out, media time out, speed; {@code ended} once it said progress=end. */
    public record Progress(long frame, long outTimeMicros, double speed, boolean ended) {
        static final Progress NONE = new Progress(0, 0, 0, false);
    }

    private boolean garbageAudio;
    private boolean audio = true;

    private Ffmpeg(String url, int width, int height, int fps, Path log) {
        this.url = url;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.log = log;
    }

    /** Starts publishing 1280x720 at {@code fps} to {@code url} (rtmp://127.0.0.1:1935/live/NAME). */
    public static Ffmpeg publish(String url, int fps, Path logDir, String name) throws IOException {
        return publish(url, 1280, 720, fps, logDir, name);
    }

    public static Ffmpeg publish(String url, int width, int height, int fps, Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        Ffmpeg ffmpeg = new Ffmpeg(url, width, height, fps, logDir.resolve(name + ".log"));
        ffmpeg.start();
        return ffmpeg;
    }

    /**
     * As {@link #publish(String, int, Path, String)}, but every byte of every AAC access unit is replaced by noise
     * (ffmpeg's {@code noise=1} bitstream filter): a valid AudioSpecificConfig over garbage payloads, the broken
     * audio track a faulty encoder sends.
     */
    /** As {@link #publish(String, int, Path, String)} without an audio track (video-only latency checks). */
    public static Ffmpeg publishVideoOnly(String url, int fps, Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        Ffmpeg ffmpeg = new Ffmpeg(url, 1280, 720, fps, logDir.resolve(name + ".log"));
        ffmpeg.audio = false;
        ffmpeg.start();
        return ffmpeg;
    }

    public static Ffmpeg publishWithGarbageAudio(String url, int fps, Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        // Small video: the stream only has to show that video plays on.
        Ffmpeg ffmpeg = new Ffmpeg(url, 320, 180, fps, logDir.resolve(name + ".log"));
        ffmpeg.garbageAudio = true;
        ffmpeg.start();
        return ffmpeg;
    }

    List<String> command() {
        List<String> command = new ArrayList<>(List.of(BINARY, "-hide_banner", "-loglevel", "warning", "-stats",
                "-progress", "pipe:1",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=" + fps));
        if (audio) {
            // A 1 kHz tone at 44.1 kHz: the transcoder resamples it to Opus's 48 kHz, the browser measures its energy.
            command.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100"));
        }
        // 2.5 Mbit/s at 720p, scaled down with the picture (small test streams must not crowd the DVR window).
        long bitrate = Math.max(200_000L, 2_500_000L * width * height / (1280 * 720));
        command.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
                "-bf", "0", "-g", String.valueOf(fps), "-keyint_min", String.valueOf(fps),
                "-pix_fmt", "yuv420p", "-b:v", String.valueOf(bitrate)));
        command.addAll(audio ? List.of("-c:a", "aac") : List.of("-an"));
        if (garbageAudio) {
            command.addAll(List.of("-bsf:a", "noise=1"));
        }
        command.addAll(List.of("-f", "flv", url));
        return command;
    }

    private synchronized void start() throws IOException {
        runs++;
        List<String> command = command();
        Files.writeString(log, "=== run " + runs + " at " + Instant.now() + ": " + String.join(" ", command) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        progress = Progress.NONE;
        runEnded = false;
        firstFrameAt = null;
        startedAt = Instant.now();
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process = p;
        reaper = new Thread(() -> Processes.killTree(p.toHandle(), Duration.ofSeconds(2)), "ffmpeg-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        reader = new Thread(() -> readProgress(p), "ffmpeg-progress-" + runs);
        reader.setDaemon(true);
        reader.start();
    }

    private void readProgress(Process p) {
        long frame = 0;
        long outTime = 0;
        double speed = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).trim();
                String value = line.substring(eq + 1).trim();
                try {
                    switch (key) {
                        case "frame" -> frame = Long.parseLong(value);
                        case "out_time_us" -> outTime = value.equals("N/A") ? outTime : Long.parseLong(value);
                        case "speed" -> speed = value.endsWith("x") ? Double.parseDouble(value.substring(0, value.length() - 1)) : speed;
                        case "progress" -> {
                            if (process == p) {
                                progress = new Progress(frame, outTime, speed, value.equals("end"));
                                if (frame > 0 && firstFrameAt == null) {
                                    firstFrameAt = Instant.now();
                                }
                            }
                        }
                        default -> {
                            // bitrate, sizes, dup/drop counts: in the stderr stats
                        }
                    }
                } catch (NumberFormatException ignored) {
                    // "N/A" and the like
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** The current run's last progress report. */
    public Progress progress() {
        return progress;
    }

    /** Frames the current run has sent so far (ffmpeg's own count). */
    public long frames() {
        return progress.frame();
    }

    /** When the current run first reported a frame out; null before. */
    public Instant firstFrameAt() {
        return firstFrameAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public int fps() {
        return fps;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Exit code of the current run, or null while it runs. */
    public Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** Waits until the current run has sent {@code frames} frames; fails early when ffmpeg exits. */
    public void awaitFrames(long frames, Duration timeout) {
        Wait.until("ffmpeg to send " + frames + " frames to " + url, timeout, () -> {
            if (!isAlive() && progress.frame() < frames) {
                throw new AssertionError("ffmpeg exited (" + exitCode() + ") after " + progress.frame() + " frames:\n" + tail(30));
            }
            return progress.frame() >= frames ? Boolean.TRUE : null;
        });
    }

    /**
     * Asks ffmpeg to finish ('q'), waits up to 10 s, then SIGTERM, then SIGKILL. Returns the final progress
     * (its frame count is exact when ffmpeg finished on its own: {@code ended} is then true).
     */
    public synchronized Progress stop() {
        Process p = process;
        if (p == null) {
            return progress;
        }
        if (p.isAlive()) {
            try {
                OutputStream stdin = p.getOutputStream();
                stdin.write('q');
                stdin.flush();
            } catch (IOException ignored) {
                // stdin closed: it is ending anyway
            }
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        end(p);
        return progress;
    }

    /** Ends the current run without asking (SIGTERM, then SIGKILL): a publisher that drops. */
    public synchronized Progress kill() {
        if (process != null) {
            end(process);
        }
        return progress;
    }

    private void end(Process p) {
        if (runEnded) {
            return;
        }
        runEnded = true;
        Processes.killTree(p.toHandle(), Duration.ofSeconds(5));
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // let the progress reader take in the final block
        try {
            reader.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            Files.writeString(log, "\n=== run " + runs + " ended at " + Instant.now() + " with exit code " + p.exitValue()
                    + ", last progress " + progress + "\n", StandardOpenOption.APPEND);
        } catch (IOException | IllegalThreadStateException ignored) {
            // best effort
        }
    }

    /**
     * SIGKILL to the current run, then a new run with the same command: a publisher whose process or link
     * died (no unpublish, no FIN from ffmpeg itself; the kernel closes the socket) and that reconnects.
     */
    public synchronized Progress crashAndRestart() throws IOException {
        Process p = process;
        if (p != null) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            end(p);
        }
        Progress last = progress;
        start();
        return last;
    }

    /** Stops the current run (gracefully) and starts a new one with the same command: a publisher restart. */
    public synchronized Progress restart() throws IOException {
        Progress last = stop();
        start();
        return last;
    }

    public Path log() {
        return log;
    }

    public String tail(int lines) {
        return "--- ffmpeg " + url + " (" + log + ", last " + lines + " lines)\n" + Processes.tail(log, lines);
    }

    @Override
    public void close() {
        kill();
    }
}
