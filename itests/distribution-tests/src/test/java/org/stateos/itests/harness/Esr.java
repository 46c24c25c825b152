package org.stateos.itests.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One real ESR: a fresh copy of the signed distribution started with bin/karaf in the foreground,
 * driven through its console and its HTTP port. Closing it shuts the node down and kills every
 * process it started.
 */
public final class Esr implements AutoCloseable {
    public static final int HTTP_PORT = 8080;
    /** RTMP ingest (rtmp://host/live/NAME). */
    public static final int RTMP_PORT = 1935;
    /** WebRTC media (ICE-lite, DTLS, SRTP) for every session. */
    public static final int WEBRTC_UDP_PORT = 8189;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path home;
    private final Process process;
    private final Console console;

    /** Kills the node if the test JVM ends without closing it (a killed or timed-out test run). */
    private final Thread reaper;

    private Esr(Path home, Process process, Console console) {
        this.home = home;
        this.process = process;
        this.console = console;
        this.reaper = new Thread(() -> Processes.killTree(process.toHandle(), Duration.ofSeconds(5)), "esr-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** The unpacked distribution the build made (see this module's pom). */
    public static Path distribution() {
        Path dist = Path.of(System.getProperty("stateos.dist", "target/dist/stateos-karaf-assembly-0.1.0-SNAPSHOT"));
        if (!Files.isRegularFile(dist.resolve("bin/karaf"))) {
            throw new IllegalStateException("no distribution at " + dist.toAbsolutePath() + ": build karaf-assembly first");
        }
        return dist;
    }

    /** Copies the distribution into {@code workDir} and boots it; returns once the console answers. */
    public static Esr boot(Path workDir) throws IOException {
        return boot(distribution(), workDir);
    }

    public static Esr boot(Path dist, Path workDir) throws IOException {
        Path home = workDir.resolve("esr");
        copyTree(dist, home);
        // A small unit store: the default 1 GiB file is written in full on first boot, once per test class.
        Files.writeString(home.resolve("etc/org.stateos.store.cfg"), "device.size.bytes = 268435456\n");
        return start(home);
    }

    /** Starts (or restarts) the node installed at {@code home}, keeping its data directory. */
    public static Esr start(Path home) throws IOException {
        requireFreeTcp(HTTP_PORT);
        requireFreeTcp(RTMP_PORT);
        requireFreeUdp(WEBRTC_UDP_PORT);
        // script(1) gives the console a real pseudo-terminal, as the serial line does: Ctrl-D is then one
        // end-of-file keystroke, not a closed stream.
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", home.resolve("bin/karaf").toString(), "/dev/null")
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("TERM", "vt100");
        builder.environment().remove("JAVA_OPTS");
        Process process = builder.start();
        Console console = new Console(process, home.resolve("console.log"));
        Esr esr = new Esr(home, process, console);
        try {
            console.prime(Duration.ofSeconds(90));
        } catch (AssertionError e) {
            esr.close();
            throw new AssertionError("console did not come up; transcript:\n" + console.transcript(), e);
        }
        return esr;
    }

    private static void requireFreeTcp(int port) throws IOException {
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
            throw new IllegalStateException("port " + port + " is already in use by another process: stop it first");
        } catch (java.net.ConnectException free) {
            // nothing listens: good
        }
    }

    private static void requireFreeUdp(int port) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(port)) {
            // bound, so nothing else holds it: good
        } catch (java.net.SocketException taken) {
            throw new IllegalStateException("UDP port " + port + " is already in use by another process: stop it first", taken);
        }
    }

    /** http://127.0.0.1:8080 + {@code path}. */
    public static String url(String path) {
        return "http://127.0.0.1:" + HTTP_PORT + path;
    }

    /** rtmp://127.0.0.1:1935/live/{@code stream}: where OBS or ffmpeg publish. */
    public static String rtmpUrl(String stream) {
        return "rtmp://127.0.0.1:" + RTMP_PORT + "/live/" + stream;
    }

    /** GET {@code path} into {@code file}; the status code, or -1 when nothing answers. */
    public int download(String path, Path file, Duration timeout) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(file)).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public Console console() {
        return console;
    }

    public Path home() {
        return home;
    }

    public boolean isAlive() {
        return javaProcess().map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * The JVM of the node (bin/karaf is a shell script that starts it): the topmost java process below the script,
     * never a java process the node started itself (the transcoder's codec worker runs under the node's JVM).
     */
    public Optional<ProcessHandle> javaProcess() {
        return process.toHandle().descendants()
                .filter(Esr::isJava)
                .filter(p -> p.parent().map(parent -> !isJava(parent)).orElse(true))
                .findFirst()
                .or(() -> process.isAlive() ? Optional.of(process.toHandle()) : Optional.empty());
    }

    private static boolean isJava(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    public long pid() {
        return javaProcess().orElseThrow(() -> new IllegalStateException("node not running")).pid();
    }

    /** Waits until the HTTP server answers /api/status, and returns that answer. */
    public String awaitHttp(Duration timeout) {
        return Wait.until("GET /api/status to answer 200", timeout, () -> {
            HttpResponse<String> r = get("/api/status");
            return r != null && r.statusCode() == 200 ? r.body() : null;
        });
    }

    /** GET on the node's HTTP port; null when nothing answers. */
    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** bundle:install of {@code jar} (started when {@code start}); returns the new bundle's id. */
    public long install(Path jar, boolean start) {
        String out = console.run("bundle:install " + (start ? "-s " : "") + "file:" + jar.toAbsolutePath());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Bundle ID: (\\d+)").matcher(out);
        if (!m.find()) {
            throw new AssertionError("bundle:install printed no bundle id: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** The id of the installed bundle with this symbolic name. */
    public String bundleId(String symbolicName) {
        String row = console.run("bundle:list -t 0 -s | grep " + symbolicName).strip();
        if (row.isEmpty()) {
            throw new AssertionError("no bundle " + symbolicName);
        }
        return row.split("\\s+")[0];
    }

    public String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        all.add(process.toHandle());
        if (process.isAlive()) {
            try {
                console.send("system:shutdown -f\n");
            } catch (UncheckedIOException ignored) {
                // stdin already closed: fall through to signals
            }
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle p : all) {
            p.destroy();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
