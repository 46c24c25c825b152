package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.stateos.itests.harness.Chromium;
import org.stateos.itests.harness.Ffmpeg;
import org.stateos.itests.harness.Processes;
import org.stateos.itests.harness.Sockets;
import org.stateos.itests.harness.Wait;

/**
 * The live-path test's real clients, checked without a node, so that a failure of LivePathTest points at
 * the node and not at the tools: ffmpeg publishes to an ffmpeg RTMP listener at real time, and headless
 * Chromium decodes H264 over WebRTC (a loopback call inside one page).
 */
class LiveToolsTest {
    static final Path LOGS = Path.of("target/live-logs");

    @org.junit.jupiter.api.BeforeAll
    static void freshLogs() throws IOException {
        Files.createDirectories(LOGS);
        for (String name : List.of("tools-rtmp-sink.log", "tools-ffmpeg.log", "tools-chromium.log")) {
            Files.deleteIfExists(LOGS.resolve(name));
        }
    }

    @Test
    void ffmpegPublishesRtmpAtRealTimeAndStopsWithAnExactFrameCount() throws Exception {
        Files.createDirectories(LOGS);
        Path sinkLog = LOGS.resolve("tools-rtmp-sink.log");
        int port = 19350;
        Process sink = new ProcessBuilder(Ffmpeg.BINARY, "-hide_banner", "-nostdin", "-loglevel", "info",
                "-listen", "1", "-f", "flv", "-i", "rtmp://127.0.0.1:" + port + "/live/tools",
                "-map", "0:v", "-c", "copy", "-f", "null", "-")
                .redirectErrorStream(true).redirectOutput(sinkLog.toFile()).start();
        Ffmpeg ffmpeg = null;
        try {
            Process listener = sink;
            // asked of the kernel: a probe connection would use up the one-shot listener
            Wait.until("the RTMP sink to listen on " + port, Duration.ofSeconds(10), () -> {
                try {
                    return Sockets.listening(listener.pid()).contains("tcp " + port) ? Boolean.TRUE : null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            });
            ffmpeg = Ffmpeg.publish("rtmp://127.0.0.1:" + port + "/live/tools", 30, LOGS, "tools-ffmpeg");
            ffmpeg.awaitFrames(150, Duration.ofSeconds(20));
            Ffmpeg.Progress running = ffmpeg.progress();
            assertTrue(running.speed() >= 0.95, "ffmpeg cannot keep up with 720p30 in real time here: " + running + "\n" + ffmpeg.tail(20));
            Ffmpeg.Progress end = ffmpeg.stop();
            assertTrue(end.ended(), "ffmpeg did not finish on 'q': " + end + "\n" + ffmpeg.tail(20));
            assertEquals(0, ffmpeg.exitCode(), ffmpeg.tail(20));
            long expected = end.outTimeMicros() * 30 / 1_000_000;
            assertTrue(Math.abs(end.frame() - expected) <= 30, end + " vs " + expected + " from its media time");
            assertTrue(sink.waitFor(10, TimeUnit.SECONDS), "the sink did not end with the publisher");
        } finally {
            if (ffmpeg != null) {
                ffmpeg.close();
            }
            Processes.killTree(sink.toHandle(), Duration.ofSeconds(3));
        }
    }

    /**
     * The same path LivePathTest takes in the browser: the peer-connection tracker injected before the page,
     * a navigation, getStats through the tracker, a reload.
     */
    @Test
    void headlessChromiumDecodesH264OverWebRtc() throws Exception {
        try (Chromium chromium = Chromium.open("about:blank", LOGS, "tools-chromium", Duration.ofSeconds(30))) {
            JsonObject script = new JsonObject();
            script.addProperty("source", LivePathTest.TRACK_PEER_CONNECTIONS);
            chromium.cdp().send("Page.addScriptToEvaluateOnNewDocument", script);
            String page = "<!doctype html><html><body><script>" + LOOPBACK_CALL + "</script></body></html>";
            chromium.navigate("data:text/html;base64," + java.util.Base64.getEncoder().encodeToString(page.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            for (String round : List.of("first load", "after reload")) {
                JsonObject first = Wait.until("the loopback call to decode a frame (" + round + ")", Duration.ofSeconds(20), () -> {
                    JsonObject s = chromium.evaluate("window.__stateosVideo()").getAsJsonObject();
                    return s.get("framesDecodedTotal").getAsLong() > 0 ? s : null;
                });
                long firstTotal = first.get("framesDecodedTotal").getAsLong();
                JsonObject later = Wait.until("the loopback call to keep decoding (" + round + ")", Duration.ofSeconds(10), () -> {
                    JsonObject s = chromium.evaluate("window.__stateosVideo()").getAsJsonObject();
                    return s.get("framesDecodedTotal").getAsLong() > firstTotal + 30 ? s : null;
                });
                System.out.println("headless Chromium loopback H264 call, " + round + ": " + later);
                assertEquals(2, later.get("pcs").getAsInt(), later.toString());
                assertTrue(later.get("framesDecodedTotal").getAsLong() > first.get("framesDecodedTotal").getAsLong() + 30,
                        first + " -> " + later + "\n" + chromium.transcript(20));
                JsonObject last = later.getAsJsonObject("last");
                assertEquals("video/H264", last.get("mimeType").getAsString(), later.toString());
                assertEquals(640, last.get("frameWidth").getAsInt(), later.toString());
                chromium.reload();
            }
        }
    }

    /** Canvas -> pc1 (H264 only) -> pc2 -> <video>. */
    static final String LOOPBACK_CALL = String.join("\n", List.of(
            "(async () => {",
            "  const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 360;",
            "  const g = canvas.getContext('2d'); let n = 0;",
            "  setInterval(() => { g.fillStyle = `hsl(${(n++ * 7) % 360},80%,50%)`; g.fillRect(0, 0, 640, 360);",
            "    g.fillStyle = '#fff'; g.font = '48px sans-serif'; g.fillText(String(n), 40, 80); }, 33);",
            "  const stream = canvas.captureStream(30);",
            "  const pc1 = new RTCPeerConnection(), pc2 = new RTCPeerConnection();",
            "  pc1.onicecandidate = e => e.candidate && pc2.addIceCandidate(e.candidate);",
            "  pc2.onicecandidate = e => e.candidate && pc1.addIceCandidate(e.candidate);",
            "  const video = document.createElement('video'); video.muted = true; video.autoplay = true;",
            "  document.body.appendChild(video);",
            "  pc2.ontrack = e => { video.srcObject = e.streams[0]; };",
            "  const tr = pc1.addTransceiver(stream.getVideoTracks()[0], {direction: 'sendonly', streams: [stream]});",
            "  const h264 = RTCRtpSender.getCapabilities('video').codecs.filter(c => c.mimeType === 'video/H264');",
            "  if (!h264.length) throw new Error('no H264 in RTCRtpSender capabilities');",
            "  tr.setCodecPreferences(h264);",
            "  await pc1.setLocalDescription(); await pc2.setRemoteDescription(pc1.localDescription);",
            "  await pc2.setLocalDescription(); await pc1.setRemoteDescription(pc2.localDescription);",
            "  return true;",
            "})()"));
}
