package org.stateos.itests.harness;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real headless Chromium on a fresh profile, driven over the Chrome DevTools Protocol: it opens
 * {@code url} and the test evaluates expressions in that page. Closing it kills the browser's process
 * tree and deletes the profile. Its stdout and stderr go to {@code <name>.log} in the log folder.
 */
public final class Chromium implements AutoCloseable {
    public static final String BINARY = System.getProperty("stateos.chromium", "/usr/bin/chromium");
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path profile;
    private final Path log;
    private final Thread reaper;
    private final Cdp page;

    private Chromium(Process process, Path profile, Path log, Thread reaper, Cdp page) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.reaper = reaper;
        this.page = page;
    }

    /** The command line, without the URL. */
    static List<String> command(Path profile) {
        return new ArrayList<>(List.of(BINARY,
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream",
                "--remote-debugging-port=0", "--user-data-dir=" + profile));
    }

    /** Starts Chromium on {@code url} and connects to that page; fails after {@code timeout}. */
    public static Chromium open(String url, Path logDir, String name, Duration timeout) throws IOException {
        Files.createDirectories(logDir);
        Path profile = Files.createTempDirectory("stateos-chromium-");
        Path log = logDir.resolve(name + ".log");
        List<String> command = command(profile);
        command.add(url);
        Files.writeString(log, String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        Thread reaper = new Thread(() -> {
            Processes.killTree(process.toHandle(), Duration.ofSeconds(3));
            Processes.deleteTree(profile);
        }, "chromium-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        CompletableFuture<String> devtools = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, devtools), "chromium-output-" + name);
        pump.setDaemon(true);
        pump.start();
        Cdp cdp = null;
        try {
            String browserWs;
            try {
                browserWs = devtools.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("Chromium printed no DevTools URL in " + timeout.toSeconds() + " s (alive="
                        + process.isAlive() + "); its output:\n" + Processes.tail(log, 40), e);
            }
            int port = URI.create(browserWs).getPort();
            String pageWs = Wait.until("Chromium's page target for " + url, timeout, () -> pageTarget(port, url));
            cdp = Cdp.connect(pageWs);
            cdp.send("Runtime.enable");
            cdp.send("Log.enable");
            cdp.send("Page.enable");
            return new Chromium(process, profile, log, reaper, cdp);
        } catch (RuntimeException | Error e) {
            if (cdp != null) {
                cdp.close();
            }
            Processes.killTree(process.toHandle(), Duration.ofSeconds(3));
            Runtime.getRuntime().removeShutdownHook(reaper);
            Processes.deleteTree(profile);
            throw e;
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<String> devtools) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Matcher m = DEVTOOLS.matcher(line);
                if (m.find()) {
                    devtools.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            // the browser is gone
        } finally {
            devtools.completeExceptionally(new IOException("Chromium's output ended"));
        }
    }

    /** The websocket of the page whose URL starts with {@code url} (or the only page), from /json/list. */
    private static String pageTarget(int port, String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonArray targets = JsonParser.parseString(r.body()).getAsJsonArray();
            String only = null;
            int pages = 0;
            for (JsonElement t : targets) {
                JsonObject target = t.getAsJsonObject();
                if (!"page".equals(target.get("type").getAsString()) || !target.has("webSocketDebuggerUrl")) {
                    continue;
                }
                pages++;
                only = target.get("webSocketDebuggerUrl").getAsString();
                if (target.get("url").getAsString().startsWith(url)) {
                    return only;
                }
            }
            return pages == 1 ? only : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public Cdp cdp() {
        return page;
    }

    /** Runtime.evaluate in the page, by value. */
    public JsonElement evaluate(String expression) {
        return page.evaluate(expression);
    }

    /** Reloads the page (bypassing the cache), as a viewer pressing F5. */
    public void reload() {
        JsonObject params = new JsonObject();
        params.addProperty("ignoreCache", true);
        page.send("Page.reload", params);
    }

    public void navigate(String url) {
        JsonObject params = new JsonObject();
        params.addProperty("url", url);
        page.send("Page.navigate", params);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The browser's own output (without its D-Bus complaints) and the page's console, for a failure message. */
    public String transcript(int lines) {
        String console = page.transcript();
        String[] rows = console.isEmpty() ? new String[0] : console.split("\n");
        String pageTail = String.join("\n", java.util.Arrays.copyOfRange(rows, Math.max(0, rows.length - lines), rows.length));
        return "--- chromium output (" + log + ", last " + lines + " lines)\n" + Processes.tail(log, lines * 4).lines()
                .filter(l -> !l.contains(":ERROR:dbus/")).reduce("", (a, b) -> a + b + "\n")
                + "--- page console (last " + lines + ")\n" + pageTail + "\n";
    }

    @Override
    public void close() {
        try {
            // keep the page's console next to the browser's output
            Files.writeString(log, "--- page console\n" + page.transcript() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // best effort
        }
        page.close();
        Processes.killTree(process.toHandle(), Duration.ofSeconds(5));
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        Processes.deleteTree(profile);
    }
}
