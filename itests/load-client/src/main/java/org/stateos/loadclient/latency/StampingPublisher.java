package org.stateos.loadclient.latency;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a stream whose every video access unit carries the publisher's wall clock ({@link StampSei}):
 * <pre>
 * ffmpeg (source: a pre-encoded file with -c copy, or lavfi testsrc2 + libx264 -tune zerolatency) -f flv pipe:1
 *   → {@link FlvStamper} (stamps each video tag as it passes)
 *   → ffmpeg -f flv -i pipe:0 -c copy -f flv rtmp://...
 * </pre>
 * Why two ffmpeg processes and not an RTMP client of our own: ffmpeg's RTMP client is the one the node is tested
 * against (and OBS-like publishers behave the same), so the only new code in the path is the FLV filter. The sink
 * ffmpeg reads with {@code -fflags nobuffer}; video only ({@code -an}), because muxing audio and video makes ffmpeg
 * interleave and hold packets, which would be measured as latency that no real publisher adds. {@code --audio} adds
 * a 1 kHz AAC tone to the test source (a normal stream with audio: what issue 5 measures with audio in the page).
 *
 * <pre>
 * java -cp stateos-load-client-*-cli.jar org.stateos.loadclient.latency.StampingPublisher
 *     --rtmp rtmp://127.0.0.1/live/s (--file clip.mp4 [--loop] | --testsrc [--size 1280x720] [--fps 30])
 *     [--seconds S] [--ffmpeg ffmpeg]
 * </pre>
 */
public final class StampingPublisher {
    private StampingPublisher() {
    }

    /** What to publish and where. */
    public record Options(String rtmp, String file, boolean loop, String size, int fps, String bitrate, double seconds,
            String ffmpeg, boolean audio) {
        List<String> source() {
            List<String> c = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"));
            if (file != null) {
                c.addAll(List.of("-re"));
                if (loop) {
                    c.addAll(List.of("-stream_loop", "-1"));
                }
                c.addAll(List.of("-i", file, "-map", "0:v:0", "-c", "copy"));
            } else {
                c.addAll(List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps));
                if (audio) {
                    c.addAll(List.of("-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100"));
                }
                c.addAll(List.of("-c:v", "libx264",
                        "-preset", "veryfast", "-tune", "zerolatency", "-bf", "0", "-g", Integer.toString(2 * fps),
                        "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p"));
            }
            if (seconds > 0) {
                c.addAll(List.of("-t", Double.toString(seconds)));
            }
            c.addAll(audio && file == null ? List.of("-c:a", "aac", "-b:a", "128k") : List.of("-an"));
            c.addAll(List.of("-f", "flv", "-flush_packets", "1", "pipe:1"));
            return c;
        }

        List<String> sink() {
            return List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-fflags", "nobuffer", "-f", "flv", "-i", "pipe:0",
                    "-c", "copy", "-f", "flv", "-flvflags", "no_duration_filesize", rtmp);
        }
    }

    public static void main(String[] args) throws Exception {
        String rtmp = null;
        String file = null;
        boolean loop = false;
        boolean testsrc = false;
        boolean audio = false;
        String size = "1280x720";
        int fps = 30;
        String bitrate = "2500k";
        double seconds = 0;
        String ffmpeg = "ffmpeg";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--loop" -> loop = true;
                case "--testsrc" -> testsrc = true;
                case "--audio" -> audio = true;
                case "-h", "--help" -> usage(0);
                default -> {
                    if (i + 1 >= args.length) {
                        usage(2);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--rtmp" -> rtmp = v;
                        case "--file" -> file = v;
                        case "--size" -> size = v;
                        case "--fps" -> fps = Integer.parseInt(v);
                        case "--bitrate" -> bitrate = v;
                        case "--seconds" -> seconds = Double.parseDouble(v);
                        case "--ffmpeg" -> ffmpeg = v;
                        default -> usage(2);
                    }
                }
            }
        }
        if (rtmp == null || (file == null) == !testsrc || fps < 1 || (audio && !testsrc)) {
            usage(2);
        }
        System.exit(run(new Options(rtmp, file, loop, size, fps, bitrate, seconds, ffmpeg, audio)));
    }

    /** Runs until the source ends (or the process is stopped); the exit status of the sink ffmpeg. */
    public static int run(Options o) throws IOException, InterruptedException {
        Process sink = new ProcessBuilder(o.sink()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process source = new ProcessBuilder(o.source()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread stopper = new Thread(() -> {
            source.destroy();
            sink.destroy();
        }, "stamping-publisher-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        FlvStamper stamper = new FlvStamper(8 * 1024 * 1024, StampSei::wallMicros);
        try (InputStream in = new BufferedInputStream(source.getInputStream(), 1 << 16);
                OutputStream out = new BufferedOutputStream(sink.getOutputStream(), 1 << 16)) {
            stamper.filter(in, out);
        } catch (FlvFormatException | IOException e) {
            System.err.println("stamping publisher: " + e.getMessage());
        } finally {
            source.destroy();
            if (!sink.waitFor(5, TimeUnit.SECONDS)) {
                sink.destroy();
            }
            System.err.printf("stamping publisher: %d video tags, %d stamped%n", stamper.videoTags(), stamper.stamped());
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
        return sink.waitFor();
    }

    private static void usage(int status) {
        System.err.println("usage: --rtmp rtmp://<esr>/live/<stream> (--file <h264 file> [--loop] | --testsrc [--size 1280x720]"
                + " [--fps 30] [--bitrate 2500k] [--audio]) [--seconds S] [--ffmpeg ffmpeg]");
        System.exit(status);
    }
}
