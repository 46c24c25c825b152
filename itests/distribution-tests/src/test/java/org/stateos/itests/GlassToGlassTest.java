package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.stateos.itests.harness.BootedNode;
import org.stateos.itests.harness.Chromium;
import org.stateos.itests.harness.Esr;
import org.stateos.itests.harness.LatencyTools;
import org.stateos.itests.harness.Wait;

/**
 * Glass-to-glass latency (issue 5) on the real signed distribution: the stamping publisher puts its wall clock into
 * every access unit (an H264 SEI), and two viewers read it back at the same time — headless Chromium (encoded
 * insertable streams for the stamp, requestVideoFrameCallback for the moment the frame is shown) and the load
 * client (arrival of the access unit's last RTP packet). The node's own share (ingest to last SRTP packet out) comes
 * from GET /api/webrtc/latency. Each run prints the three distributions (first 3 s left out) and appends them to
 * target/latency-logs/figures.txt; the assertions are generous regression bounds, not the goals (see the README).
 *
 * <p>Chromium gathers no ICE candidates on a host whose only interface is loopback: in a network namespace give it
 * a veth pair with an address and a default route (see itests/load-client/README.md), or ICE fails ("state":
 * "failed" in the page state of the failure message).
 */
class GlassToGlassTest extends BootedNode {
    static final Path LOGS = Path.of("target/latency-logs");
    static final int SECONDS = Integer.getInteger("stateos.g2g.seconds", 20);
    static final double WARMUP_MS = 3000;
    /** The page's counters without the samples, the peer connection and the stats time line. */
    static final String PAGE_STATE = "JSON.stringify(Object.assign({}, window.__g2g, {samples: window.__g2g.samples.length,"
            + " pc: undefined, statsLog: undefined, statsTimer: undefined}))";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Path clip;

    @BeforeAll
    void makeClip() throws Exception {
        Files.createDirectories(LOGS);
        clip = LatencyTools.clip(work.resolve("clip.mp4"), 12);
    }

    @Test
    @Order(1)
    void preEncodedCopySource() throws Exception {
        measure("copy", clip);
    }

    @Test
    @Order(2)
    void liveX264ZerolatencySource() throws Exception {
        measure("x264", null);
    }

    /**
     * The same live source with a 1 kHz AAC tone, played with its audio unmuted in the same MediaStream (so
     * Chromium's lip sync holds video to the audio's playout delay, as on the player page): issue 5's goal,
     * glass-to-glass p95 under 400 ms with audio, while the audio is really decoded (samples at 48 kHz, energy).
     * On a loaded box the bound is the video-only p95 of the same run times 1.5 when that is higher (CPU starvation
     * moves both; audio must not add to it).
     */
    @Test
    @Order(3)
    void liveX264WithAacAudioSource() throws Exception {
        double[] p = measure("x264-aac", null, true);
        double bound = Math.max(400, Double.isNaN(videoOnlyP95) ? 0 : 1.5 * videoOnlyP95);
        assertTrue(p[1] < bound, String.format(Locale.ROOT, "glass-to-glass p95 with audio %.1f ms, over %.0f ms"
                + " (video-only p95 in this run: %.1f ms)", p[1], bound, videoOnlyP95));
    }

    /**
     * Not a test, the before/after of the transcoder's pacing (run with -Dstateos.g2g.pacing=true): the live source
     * with audio, unpaced (pace.delay.ms 0, pace.max.late.ms 0: packets leave as the codec makes them, as before
     * the fix), then with each delay of -Dstateos.g2g.pacing.delays (default 40,100), all in one run.
     */
    @Test
    @Order(5)
    void audioPacingBeforeAndAfter() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("stateos.g2g.pacing"), "-Dstateos.g2g.pacing=true");
        List<String> runs = new ArrayList<>(List.of("0/0"));
        for (String d : System.getProperty("stateos.g2g.pacing.delays", "40,100").split(",")) {
            runs.add(d.strip() + "/200");
        }
        for (String run : runs) {
            String[] v = run.split("/");
            esr.console().run("config:property-set -p org.stateos.transcoder pace.delay.ms " + v[0], Duration.ofSeconds(10));
            esr.console().run("config:property-set -p org.stateos.transcoder pace.max.late.ms " + v[1], Duration.ofSeconds(10));
            Wait.until("the transcoder to take pace.delay.ms " + v[0], Duration.ofSeconds(20), () -> esr.console()
                    .run("config:property-list -p org.stateos.transcoder", Duration.ofSeconds(10))
                    .contains("pace.delay.ms = " + v[0]) ? Boolean.TRUE : null);
            measure("aac-pace" + v[0] + "-late" + v[1], null, true);
        }
    }

    /**
     * Not a test, the cost of the codec worker process (run with -Dstateos.g2g.isolation=true): the live source with
     * audio measured with isolation = in-process and = process, alternating for -Dstateos.g2g.isolation.rounds (1)
     * rounds, all in one run; with each, the node JVM's CPU and the worker's (transcoder:worker) over the measurement.
     */
    @Test
    @Order(6)
    void audioIsolationInProcessAndProcess() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("stateos.g2g.isolation"), "-Dstateos.g2g.isolation=true");
        int rounds = Integer.getInteger("stateos.g2g.isolation.rounds", 1);
        for (int round = 1; round <= rounds; round++) {
            for (String isolation : List.of("in-process", "process")) {
                esr.console().run("config:property-set -p org.stateos.transcoder isolation " + isolation, Duration.ofSeconds(10));
                Wait.until("the transcoder in isolation " + isolation, Duration.ofSeconds(60), () -> {
                    String w = esr.console().run("transcoder:worker", Duration.ofSeconds(10));
                    return isolation.equals("process") ? (w.contains("READY") ? Boolean.TRUE : null)
                            : (w.contains("isolation = in-process") ? Boolean.TRUE : null);
                });
                long nodeCpu = cpuMillis(esr.pid());
                String workerBefore = esr.console().run("transcoder:worker", Duration.ofSeconds(10));
                double[] p = measure("aac-" + isolation + "-" + round, null, true);
                String figures = String.format(Locale.ROOT, "%nisolation %s round %d: glass-to-glass with audio p50 %.1f ms,"
                        + " p95 %.1f ms; node JVM CPU over the measurement %d ms; load %s%n  worker before:%n%s  worker after:%n%s",
                        isolation, round, p[0], p[1], cpuMillis(esr.pid()) - nodeCpu,
                        Files.readString(Path.of("/proc/loadavg")).strip(), workerBefore,
                        esr.console().run("transcoder:worker", Duration.ofSeconds(10)));
                System.out.print(figures);
                Files.writeString(LOGS.resolve("figures.txt"), figures, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    /** utime + stime of a process from /proc (clock ticks of 10 ms). */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    @Test
    @Order(4)
    void latencyCommandShowsTheFramesSent() {
        String out = esr.console().run("webrtc:latency", Duration.ofSeconds(10));
        assertTrue(out.contains("since start") && out.contains("P99_MS"), out);
        String json = esr.console().run("webrtc:latency --json --reset", Duration.ofSeconds(10));
        assertTrue(json.contains("\"p99Micros\"") && json.contains("reset"), json);
        JsonObject after = JsonParser.parseString(serverLatency("GET")).getAsJsonObject();
        assertTrue(after.getAsJsonObject("sinceStart").get("count").getAsLong() < 1000, "reset did not reset: " + after);
    }

    /** The video-only live source's Chromium p95 in this run (the baseline of the audio check), NaN before. */
    double videoOnlyP95 = Double.NaN;

    private void measure(String label, Path source) throws Exception {
        double[] p = measure(label, source, false);
        if ("x264".equals(label)) {
            videoOnlyP95 = p[1];
        }
    }

    /** Measures and checks the regression bounds; Chromium's glass-to-glass p50 and p95 (ms). */
    private double[] measure(String label, Path source, boolean audio) throws Exception {
        String stream = "g2g" + label.replace("-", "");
        try (LatencyTools.Publisher publisher = LatencyTools.publish(Esr.rtmpUrl(stream), source, audio, LOGS,
                label + "-publisher")) {
            Wait.until("stream " + stream + " to be live", Duration.ofSeconds(30), () -> {
                if (!publisher.isAlive()) {
                    throw new AssertionError("the stamping publisher ended: " + publisher.tail(20));
                }
                return esr.get("/api/streams").body().contains("\"" + stream + "\"") ? Boolean.TRUE : null;
            });
            serverLatency("DELETE");
            CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
                try {
                    return LatencyTools.loadClient(Esr.url("/whep/" + stream), 1, SECONDS, LOGS, label + "-load-client");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            double[] chromium;
            double[] receiveToDisplay;
            JsonObject counters;
            try (Chromium browser = Chromium.open("about:blank", LOGS, label + "-chromium", Duration.ofSeconds(30))) {
                String script = new String(GlassToGlassTest.class.getResourceAsStream("/glass-to-glass.js").readAllBytes(),
                        StandardCharsets.UTF_8);
                // A page of the node's origin (WHEP is same-origin), loaded before the script goes in, or the load
                // would replace the window the script ran in.
                String page = Esr.url("/api/status");
                browser.navigate(page);
                Wait.until("Chromium to load " + page, Duration.ofSeconds(20), () -> browser.evaluate(
                        "location.href + ' ' + document.readyState").getAsString().equals(page + " complete") ? Boolean.TRUE : null);
                browser.evaluate("window.__g2gStream = '" + stream + "'");
                browser.evaluate("window.__g2gAudio = " + audio);
                browser.evaluate(script);
                long needMs = (long) (WARMUP_MS + SECONDS * 1000L * 3 / 4);
                try {
                    Wait.until("Chromium to show " + needMs + " ms of stamped frames", Duration.ofSeconds(SECONDS + 40L), () -> {
                        // With audio the span counts from the first audio packet: the first transcode of a node
                        // loads FFmpeg's natives (seconds on a loaded box), and the figures are for audio playing.
                        JsonElement span = browser.evaluate("(() => { const s = window.__g2g.samples;"
                                + " const from = " + audio + " ? (window.__g2g.audioSince || Infinity) : -Infinity;"
                                + " return s.length < 2 ? 0 : Math.max(0, s[s.length - 1][0] - Math.max(from, s[0][0])); })()");
                        return span.getAsDouble() >= needMs ? Boolean.TRUE : null;
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + " (ICE 'failed' in a loopback-only namespace: see the class"
                            + " comment); page state: " + browser.evaluate(
                            PAGE_STATE), e);
                }
                counters = JsonParser.parseString(browser.evaluate(PAGE_STATE).getAsString()).getAsJsonObject();
                counters.add("getStats", browser.evaluate("window.__g2gStats()"));
                JsonArray samples = browser.evaluate("window.__g2g.samples").getAsJsonArray();
                Files.writeString(LOGS.resolve(label + "-chromium-timeline.json"), browser.evaluate(
                        "JSON.stringify({samples: window.__g2g.samples, stats: window.__g2g.statsLog})").getAsString());
                double from = audio ? counters.get("audioSince").getAsDouble() : 0;
                if (audio) {
                    counters.addProperty("audioStartAfterFirstFrameMs",
                            from - samples.get(0).getAsJsonArray().get(0).getAsDouble());
                }
                chromium = afterWarmup(samples, 1, from);
                receiveToDisplay = afterWarmup(samples, 2, from);
            }
            String transcodes = audio ? esr.console().run("transcoder:list", Duration.ofSeconds(10)) : "";
            String report = client.get(SECONDS + 150L, TimeUnit.SECONDS);
            JsonObject loadClient = JsonParser.parseString(report).getAsJsonObject().getAsJsonObject("glass_to_glass")
                    .getAsJsonObject("total");
            JsonObject server = JsonParser.parseString(serverLatency("GET")).getAsJsonObject().getAsJsonObject("sinceStart");

            Arrays.sort(chromium);
            Arrays.sort(receiveToDisplay);
            String figures = String.format(Locale.ROOT,
                    "%s %s source (%s), load %s:%n"
                            + "  Chromium (stamp -> expected display), %d frames: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms"
                            + " (of which last packet received -> display: p50 %.1f ms, p95 %.1f ms)%n"
                            + "  load client (stamp -> last RTP packet), %d AUs: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                            + "  server-added (ingest -> last SRTP packet out), %d frames: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms%n"
                            + "  Chromium counters: %s%n%s",
                    Instant.now(), label, source != null ? "720p30 clip, -c copy" : audio ? "lavfi testsrc2 720p30 libx264 zerolatency + 1 kHz AAC 44.1 kHz, played unmuted" : "lavfi testsrc2 720p30 libx264 zerolatency",
                    Files.readString(Path.of("/proc/loadavg")).strip(),
                    chromium.length, pct(chromium, 50), pct(chromium, 95), pct(chromium, 99), pct(chromium, 100),
                    pct(receiveToDisplay, 50), pct(receiveToDisplay, 95),
                    loadClient.get("count").getAsLong(), loadClient.get("p50_ms").getAsDouble(), loadClient.get("p95_ms").getAsDouble(),
                    loadClient.get("p99_ms").getAsDouble(), loadClient.get("max_ms").getAsDouble(),
                    server.get("count").getAsLong(), server.get("p50Micros").getAsLong() / 1000.0,
                    server.get("p95Micros").getAsLong() / 1000.0, server.get("p99Micros").getAsLong() / 1000.0,
                    server.get("maxMicros").getAsLong() / 1000.0, counters, transcodes);
            System.out.print(figures);
            Files.writeString(LOGS.resolve("figures.txt"), figures, StandardOpenOption.CREATE, StandardOpenOption.APPEND);

            // Regression bounds, not the goals (p95 < 400 ms glass-to-glass, server p99 < 10 ms at 100 viewers; the
            // measured figures are in the README). On 2 shared cores the tails measure CPU starvation first: at load
            // average 11-15 one run saw server-added p95 2.7 s and the load client's p95 1.3 s. So the medians carry
            // the regression check (a frame held anywhere in the path moves the median) and the tails only a bound
            // for the pathological (a stall on every GOP); the tails themselves are printed and go to the README.
            long expected = (long) (SECONDS * 0.5 * 30 * 0.5);
            assertTrue(chromium.length >= expected, "Chromium showed only " + chromium.length + " stamped frames: " + figures);
            assertTrue(pct(chromium, 50) > 0, "a frame shown before it was stamped: clocks disagree? " + figures);
            assertTrue(pct(chromium, 50) < 1000 && pct(chromium, 95) < 5000, figures);
            assertTrue(loadClient.get("count").getAsLong() >= expected, figures);
            assertTrue(loadClient.get("p50_ms").getAsDouble() < 250 && loadClient.get("p95_ms").getAsDouble() < 5000, figures);
            assertTrue(server.get("count").getAsLong() >= expected, figures);
            assertTrue(server.get("p50Micros").getAsLong() < 10_000 && server.get("p95Micros").getAsLong() < 5_000_000, figures);
            if (audio) {
                JsonObject a = counters.getAsJsonObject("getStats").getAsJsonObject("audio");
                assertTrue(a != null && a.get("totalSamplesReceived").getAsLong() > 48_000L * SECONDS / 2,
                        "the audio was not decoded at 48 kHz for half the run: " + figures);
                assertTrue(a.get("concealedSamples").getAsLong() < a.get("totalSamplesReceived").getAsLong() / 4,
                        "over a quarter of the audio concealed: " + figures);
                assertTrue(a.get("totalAudioEnergy").getAsDouble() > 0.01, "the audio is silent: " + figures);
            }
            return new double[] {pct(chromium, 50), pct(chromium, 95)};
        }
    }

    /** Column {@code column} (ms) of the samples shown 3 s or more after the first one (and after {@code fromWallMs}). */
    static double[] afterWarmup(JsonArray samples, int column, double fromWallMs) {
        List<Double> out = new ArrayList<>();
        double first = samples.isEmpty() ? 0 : Math.max(fromWallMs, samples.get(0).getAsJsonArray().get(0).getAsDouble());
        for (JsonElement e : samples) {
            JsonArray s = e.getAsJsonArray();
            if (s.get(0).getAsDouble() - first >= WARMUP_MS) {
                out.add(s.get(column).getAsDouble());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The nearest-rank percentile of sorted values (p = 100: the maximum). */
    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String serverLatency(String method) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Esr.url("/api/webrtc/latency")))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError(method + " /api/webrtc/latency answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(method + " /api/webrtc/latency failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
