package org.stateos.fanoutbench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The signed distribution unpacked fresh under the bench's work directory, started with {@code bin/karaf server}
 * under taskset on the server's core, published to over RTMP by ffmpeg ({@code -c copy}) on the client's core.
 */
public final class EsrTarget implements Target {
    static final String STREAM = "fanout";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * bin/setenv's default EXTRA_JAVA_OPTS, which setting the variable replaces: the node is measured with its own
     * collector and metaspace threshold (without the threshold, full "Metadata GC Threshold" collections of 40 ms
     * land in the first seconds of every run).
     */
    static final String NODE_DEFAULT_OPTS = "-XX:+UseSerialGC -XX:MetaspaceSize=128M";
    private final Pinned karaf;
    private final Pinned ffmpeg;
    private final long pid;
    private final LatencyProbe latency = new LatencyProbe(URI.create("http://127.0.0.1:8080/api/webrtc/latency"));

    private EsrTarget(Pinned karaf, Pinned ffmpeg, long pid) {
        this.karaf = karaf;
        this.ffmpeg = ffmpeg;
        this.pid = pid;
    }

    /**
     * @param tarball karaf-assembly/target/*.tar.gz
     * @param heap    -Xmx for the node (JAVA_MAX_MEM)
     * @param nodeOpts JVM options added after the node's own (empty for none)
     */
    public static EsrTarget start(Path tarball, Path work, Path media, int serverCore, int clientCore, String heap,
            String nodeOpts, int maxSessions) throws Exception {
        if (status("http://127.0.0.1:8080/api/status") != -1) {
            throw new IllegalStateException("something already answers on 127.0.0.1:8080 in this namespace: stop it first");
        }
        Path home = work.resolve("esr");
        if (Files.exists(home)) {
            run(List.of("rm", "-rf", home.toString()));
        }
        Files.createDirectories(home);
        run(List.of("tar", "-xzf", tarball.toString(), "-C", home.toString(), "--strip-components=1"));
        // A small unit store (the default 1 GiB file is written in full on first boot) and room for the ramp.
        Files.writeString(home.resolve("etc/org.stateos.store.cfg"), "device.size.bytes = 268435456\n");
        set(home.resolve("etc/org.stateos.webrtc.cfg"), "max.sessions", Integer.toString(maxSessions));
        // The shared 2-core box can starve the handshake threads for seconds while hundreds of viewers set up at
        // once: give setups 60-120 s instead of 10-30 s so a slow setup is measured, not turned into a viewer that never plays.
        set(home.resolve("etc/org.stateos.webrtc.cfg"), "dtls.handshake.timeout.seconds", "60");
        set(home.resolve("etc/org.stateos.webrtc.session.cfg"), "connect.timeout.seconds", "120");
        set(home.resolve("etc/org.stateos.webrtc.session.cfg"), "whep.max.sessions", Integer.toString(maxSessions));
        Pinned karaf = Pinned.start("stateos", serverCore, List.of(home.resolve("bin/karaf").toString(), "server"), home,
                work.resolve("esr.log"), Map.of("JAVA_MAX_MEM", heap, "JAVA_MIN_MEM", heap,
                        "EXTRA_JAVA_OPTS", (NODE_DEFAULT_OPTS + " -Dkaraf.startLocalConsole=false " + nodeOpts).strip()));
        try {
            Wait.until("the node's GET /api/status to answer 200", Duration.ofSeconds(120),
                    () -> status("http://127.0.0.1:8080/api/status") == 200);
            // /api/status can answer before the RTMP bundle listens; ffmpeg gives up on a refused connection.
            Wait.until("the node's RTMP port 1935 to accept", Duration.ofSeconds(60), () -> accepts(1935));
            Pinned ffmpeg = Publisher.rtmp(media, clientCore, work);
            Wait.until("stream " + STREAM + " in /api/streams", Duration.ofSeconds(60),
                    () -> body("http://127.0.0.1:8080/api/streams").contains("\"" + STREAM + "\""));
            return new EsrTarget(karaf, ffmpeg, karaf.pidOf("/java"));
        } catch (Exception | AssertionError e) {
            karaf.close();
            throw e;
        }
    }

    /** Sets {@code key = value} in a Karaf .cfg file: replaces the key's line, or appends one. */
    static void set(Path cfg, String key, String value) throws IOException {
        Files.writeString(cfg, setKey(Files.exists(cfg) ? Files.readString(cfg) : "", key, value));
    }

    static String setKey(String text, String key, String value) {
        StringBuilder out = new StringBuilder();
        boolean done = false;
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (!t.startsWith("#") && (t.startsWith(key + " ") || t.startsWith(key + "="))) {
                if (!done) {
                    out.append(key).append(" = ").append(value).append('\n');
                    done = true;
                }
                continue;
            }
            out.append(line).append('\n');
        }
        String s = out.toString().replaceAll("\n+$", "\n");
        return done ? s : s + key + " = " + value + "\n";
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue());
        }
    }

    static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static String body(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    @Override
    public String name() {
        return "stateos";
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public List<String> clientArgs() {
        return List.of("--url", "http://127.0.0.1:8080/whep/" + STREAM);
    }

    @Override
    public Optional<Latency> latency() {
        return latency.read();
    }

    @Override
    public boolean isAlive() {
        return karaf.isAlive() && ffmpeg.isAlive();
    }

    @Override
    public void close() {
        ffmpeg.close();
        karaf.close();
    }
}
