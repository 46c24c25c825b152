package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.stateos.itests.harness.BootedNode;
import org.stateos.itests.harness.Chromium;
import org.stateos.itests.harness.Esr;
import org.stateos.itests.harness.LatencyTools;
import org.stateos.itests.harness.Wait;

/**
 * The transcoder's codec worker process on the real distribution (isolation = process, the default): it runs under
 * the node's JVM with the node's java and a class path copied from the installed bundles; killed with SIGKILL and
 * with SIGSEGV while ffmpeg publishes x264 + AAC over RTMP and headless Chromium plays it over WebRTC (video and audio
 * unmuted in one MediaStream, as GlassToGlassTest does), the node logs the cause and starts a new worker, video keeps
 * being shown without a gap over 1 s, audio packets arrive again within a few seconds, and the node stays up.
 *
 * <p>Chromium needs a veth with an address in the test's network namespace (see GlassToGlassTest).
 */
class TranscoderWorkerTest extends BootedNode {
    static final Path LOGS = Path.of("target/latency-logs");
    static final String MARKER = "-Dstateos.worker=transcoder";
    static final String STREAM = "workerkill";

    JsonObject worker() {
        JsonObject w = tryWorker();
        assertTrue(w != null, "transcoder:worker --json printed no JSON");
        return w;
    }

    /** transcoder:worker --json, or null while the command is not there yet (right after boot). */
    JsonObject tryWorker() {
        String out = esr.console().run("transcoder:worker --json", Duration.ofSeconds(10));
        int from = out.indexOf('{');
        int to = out.lastIndexOf('}');
        return from >= 0 && to > from ? JsonParser.parseString(out.substring(from, to + 1)).getAsJsonObject() : null;
    }

    JsonObject awaitReady(int restarts) {
        return Wait.until("the codec worker READY after " + restarts + " restart(s)", Duration.ofSeconds(60), () -> {
            JsonObject w = tryWorker();
            return w != null && w.get("state").getAsString().equals("READY") && w.get("restarts").getAsInt() == restarts
                    ? w : null;
        });
    }

    @Test
    @Order(1)
    void theWorkerIsTheNodesChildRunningTheNodesJavaOnACopiedClassPath() {
        JsonObject w = awaitReady(0);
        long pid = w.get("pid").getAsLong();
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        assertEquals(esr.pid(), p.parent().orElseThrow().pid(), "the worker is a child of the node's JVM");
        String node = ProcessHandle.of(esr.pid()).orElseThrow().info().command().orElseThrow();
        assertEquals(node, p.info().command().orElseThrow(), "the node's own java");
        List<String> args = Arrays.asList(p.info().arguments().orElseThrow());
        assertTrue(args.contains(MARKER), args.toString());
        String classPath = args.get(args.indexOf("-cp") + 1);
        assertTrue(classPath.startsWith(esr.home().resolve("data").toString()) && !classPath.contains(":"),
                "one directory in the node's data area: " + classPath);
        assertTrue(Files.isRegularFile(Path.of(classPath, "org/stateos/transcoder/internal/worker/WorkerMain.class")));
        assertTrue(Files.isRegularFile(Path.of(classPath, "org/bytedeco/javacpp/Loader.class")));
        String table = esr.console().run("transcoder:worker", Duration.ofSeconds(10));
        assertTrue(table.contains("READY") && table.contains(Long.toString(pid)), table);
    }

    @Test
    @Order(2)
    void killingTheWorkerMidStreamCostsAudioAFewSecondsAndNothingElse() throws Exception {
        Files.createDirectories(LOGS);
        long nodePid = esr.pid();
        try (LatencyTools.Publisher publisher = LatencyTools.publish(Esr.rtmpUrl(STREAM), null, true, LOGS,
                "worker-kill-publisher");
                Chromium browser = Chromium.open("about:blank", LOGS, "worker-kill-chromium", Duration.ofSeconds(30))) {
            Wait.until("stream " + STREAM + " to be live", Duration.ofSeconds(30), () -> {
                if (!publisher.isAlive()) {
                    throw new AssertionError("the publisher ended: " + publisher.tail(20));
                }
                return esr.get("/api/streams").body().contains("\"" + STREAM + "\"") ? Boolean.TRUE : null;
            });
            String script = new String(TranscoderWorkerTest.class.getResourceAsStream("/glass-to-glass.js").readAllBytes(),
                    StandardCharsets.UTF_8);
            String page = Esr.url("/api/status");
            browser.navigate(page);
            Wait.until("Chromium to load " + page, Duration.ofSeconds(20), () -> browser.evaluate(
                    "location.href + ' ' + document.readyState").getAsString().equals(page + " complete") ? Boolean.TRUE : null);
            browser.evaluate("window.__g2gStream = '" + STREAM + "'");
            browser.evaluate("window.__g2gAudio = true");
            browser.evaluate(script);
            Wait.until("audio and video playing", Duration.ofSeconds(60), () ->
                    audioPackets(browser) > 150 && shown(browser) > 60 ? Boolean.TRUE : null);

            StringBuilder notes = new StringBuilder();
            long start = System.currentTimeMillis();
            for (String signal : List.of("KILL", "SEGV")) {
                JsonObject before = worker();
                long pid = before.get("pid").getAsLong();
                int restarts = before.get("restarts").getAsInt();
                long packets = audioPackets(browser);
                long killedAt = System.currentTimeMillis();
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
                assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
                JsonObject after = awaitReady(restarts + 1);
                long newPid = after.get("pid").getAsLong();
                assertNotEquals(pid, newPid);
                String cause = after.get("lastExit").getAsString();
                assertTrue(signal.equals("KILL") ? cause.contains("signal 9 (SIGKILL") : cause.startsWith("crashed ("),
                        "the cause of kill -" + signal + ": " + cause);
                // audio packets flow again: the transcode re-opened in the new worker
                long resumedAt = Wait.until("audio packets after kill -" + signal, Duration.ofSeconds(20), () -> {
                    long now = audioPackets(browser);
                    return now > packets + 5 ? System.currentTimeMillis() : null;   // 100 ms of audio: it flows again
                });
                notes.append(String.format(Locale.ROOT, "kill -%s worker %d at %s: new worker %d READY, audio packets"
                        + " arriving again %d ms after the kill (%d since); cause: %s%n", signal, pid,
                        Instant.ofEpochMilli(killedAt), newPid, resumedAt - killedAt, audioPackets(browser) - packets, cause));
                assertTrue(resumedAt - killedAt < 10_000, "audio back within 10 s: " + (resumedAt - killedAt) + " ms");
                // let some seconds of audio play before the next kill
                long target = audioPackets(browser) + 100;
                Wait.until("audio playing on", Duration.ofSeconds(20), () -> audioPackets(browser) > target ? Boolean.TRUE : null);
            }
            long end = System.currentTimeMillis();
            double maxGap = maxVideoGapMs(browser, start - 1000, end);
            String log = esr.log();
            String figures = String.format(Locale.ROOT, "%s codec worker killed mid-stream, load %s:%n%s"
                    + "  video: largest gap between shown frames from 1 s before the first kill to the end: %.0f ms%n"
                    + "  Chromium: %s%n  %s", Instant.now(), Files.readString(Path.of("/proc/loadavg")).strip(), notes,
                    maxGap, browser.evaluate("JSON.stringify(Object.assign({}, window.__g2g, {samples: window.__g2g.samples.length,"
                            + " pc: undefined, statsLog: undefined, statsTimer: undefined}))").getAsString(),
                    esr.console().run("transcoder:worker", Duration.ofSeconds(10)));
            System.out.print(figures);
            Files.writeString(LOGS.resolve("figures.txt"), figures, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            assertTrue(maxGap < 1000, "video stalled while the worker restarted: " + figures);
            assertEquals(nodePid, esr.pid(), "the node's JVM is the same process");
            assertTrue(esr.isAlive());
            assertEquals(200, esr.get("/api/status").statusCode());
            assertTrue(log.contains("died after") && log.contains("SIGKILL"), "the SIGKILL logged with its cause");
            assertTrue(log.contains("fatal error report"), "the crash logged with its report");
            String transcodes = esr.console().run("transcoder:list", Duration.ofSeconds(10));
            assertTrue(transcodes.contains(STREAM.substring(0, Math.min(16, STREAM.length()))) && transcodes.contains("RUNNING"),
                    transcodes);
        }
    }

    static long audioPackets(Chromium browser) {
        JsonElement a = browser.evaluate("window.__g2gStats()").getAsJsonObject().get("audio");
        return a == null ? 0 : a.getAsJsonObject().get("packetsReceived").getAsLong();
    }

    static long shown(Chromium browser) {
        return browser.evaluate("window.__g2g.shown").getAsLong();
    }

    /** The longest time between two video frames Chromium showed (matched to a stamp) within [from, to] (wall ms). */
    static double maxVideoGapMs(Chromium browser, long from, long to) {
        JsonArray samples = browser.evaluate("window.__g2g.samples").getAsJsonArray();
        double last = Double.NaN;
        double max = 0;
        for (JsonElement e : samples) {
            double t = e.getAsJsonArray().get(0).getAsDouble();
            if (t < from || t > to) {
                continue;
            }
            if (!Double.isNaN(last)) {
                max = Math.max(max, t - last);
            }
            last = t;
        }
        assertTrue(!Double.isNaN(last), "no frames shown in the window");
        return Math.max(max, to - last);
    }
}
