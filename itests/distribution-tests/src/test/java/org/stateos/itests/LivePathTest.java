package org.stateos.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.stateos.itests.harness.BootedNode;
import org.stateos.itests.harness.Chromium;
import org.stateos.itests.harness.Esr;
import org.stateos.itests.harness.Ffmpeg;
import org.stateos.itests.harness.Processes;
import org.stateos.itests.harness.Sockets;
import org.stateos.itests.harness.Wait;

/**
 * The live path end to end, on the real signed distribution with real clients (issue 4, "Proof"): ffmpeg
 * publishes RTMP (720p30 test pattern, H264 baseline without B-frames, 1 s GOP, AAC), headless Chromium
 * plays it on the node's player page over WHEP, and the test reads what the browser decoded from
 * RTCPeerConnection.getStats (every peer connection the page makes is tracked by a script injected before
 * the page's own) and from the page's {@code window.stateosPlayer}. Then: publisher restart, viewer reload,
 * and a second stream streamed for over 60 s without a break whose time index and DVR file are checked.
 *
 * <p>Transcripts (ffmpeg's stderr, Chromium's output and the page console, the samples taken) are kept in
 * target/live-logs; a failure message ends with their tails and karaf.log's.
 */
class LivePathTest extends BootedNode {
    static final Path LOGS = Path.of("target/live-logs");
    /** 30 by default; -Dstateos.live.fps=25 where ffmpeg cannot encode 720p30 in real time. */
    static final int FPS = Integer.getInteger("stateos.live.fps", 30);
    static final String LIVE = "itlive";
    /**
     * The stream the audio tests play (small picture, AAC tone). The latency tests play {@link #LIVE}, which has no
     * audio: with audio in the page, Chromium's lip sync holds video back to the audio jitter buffer's depth (seen
     * at 380-740 ms on the loaded CI box), which is the audio path's delay, not the node's video catch-up those
     * tests measure. See the transcoder README.
     */
    static final String AUDIO = "itaudio";
    static final String DVR = "itdvr";
    static final String BROKEN = "itbroken";
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;
    static final Duration FIRST_FRAME = Duration.ofSeconds(20);
    static final Duration RESUME = Duration.ofSeconds(20);
    /** How long the DVR stream runs before it is stopped: 60 s asked of the index, plus margin at both ends. */
    static final Duration DVR_STREAMED = Duration.ofSeconds(66);
    static final long MICROS = 1_000_000L;

    /**
     * Injected before the page's scripts: keeps every RTCPeerConnection the page creates, and
     * window.__stateosVideo() sums and reports their inbound video from getStats.
     */
    static final String TRACK_PEER_CONNECTIONS = String.join("\n", List.of(
            "(() => {",
            "  if (window.__stateosPcs) return;",
            "  window.__stateosPcs = [];",
            "  const Native = window.RTCPeerConnection;",
            "  if (!Native) return;",
            "  const Tracked = class extends Native {",
            "    constructor(...args) { super(...args); window.__stateosPcs.push(this); }",
            "  };",
            "  window.RTCPeerConnection = Tracked;",
            "  if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = Tracked;",
            "  window.__stateosVideo = async () => {",
            "    const out = {pcs: window.__stateosPcs.length, framesDecodedTotal: 0, last: null};",
            "    for (const pc of window.__stateosPcs) {",
            "      let stats;",
            "      try { stats = await pc.getStats(); } catch (e) { continue; }",
            "      stats.forEach(s => {",
            "        if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;",
            "        out.framesDecodedTotal += s.framesDecoded || 0;",
            "        const codec = s.codecId && stats.get(s.codecId);",
            "        out.last = {framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth || 0,",
            "          frameHeight: s.frameHeight || 0, framesPerSecond: s.framesPerSecond || 0,",
            "          packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, nackCount: s.nackCount,",
            "          pliCount: s.pliCount, firCount: s.firCount, freezeCount: s.freezeCount,",
            "          framesDropped: s.framesDropped, keyFramesDecoded: s.keyFramesDecoded,",
            "          decoderImplementation: s.decoderImplementation, mimeType: codec && codec.mimeType,",
            "          estimatedPlayoutTimestamp: s.estimatedPlayoutTimestamp, jitterBufferDelay: s.jitterBufferDelay,",
            "          jitterBufferEmittedCount: s.jitterBufferEmittedCount,",
            "          connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState};",
            "      });",
            "      stats.forEach(s => {",
            "        if (s.type === 'remote-outbound-rtp' && s.kind === 'video' && out.last)",
            "          Object.assign(out.last, {senderReports: s.reportsSent, senderReportTimestamp: s.remoteTimestamp});",
            "      });",
            "      if (!out.last) out.last = {framesDecoded: 0, connectionState: pc.connectionState,",
            "          iceConnectionState: pc.iceConnectionState};",
            "    }",
            "    return out;",
            "  };",
            "  window.__stateosAudio = async () => {",
            "    const out = {pcs: window.__stateosPcs.length, packetsReceived: 0, totalSamplesReceived: 0,",
            "      concealedSamples: 0, totalAudioEnergy: 0, audioLevel: 0, mimeType: null};",
            "    for (const pc of window.__stateosPcs) {",
            "      let stats;",
            "      try { stats = await pc.getStats(); } catch (e) { continue; }",
            "      stats.forEach(s => {",
            "        if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;",
            "        out.packetsReceived += s.packetsReceived || 0;",
            "        out.totalSamplesReceived += s.totalSamplesReceived || 0;",
            "        out.concealedSamples += s.concealedSamples || 0;",
            "        out.totalAudioEnergy += s.totalAudioEnergy || 0;",
            "        out.audioLevel = Math.max(out.audioLevel, s.audioLevel || 0);",
            "        const codec = s.codecId && stats.get(s.codecId);",
            "        if (codec) out.mimeType = codec.mimeType;",
            "      });",
            "    }",
            "    return out;",
            "  };",
            "})();"));

    @RegisterExtension
    static final Transcripts TRANSCRIPTS = new Transcripts();

    Ffmpeg live;
    Ffmpeg audioLive;
    Ffmpeg dvr;
    Chromium chromium;
    final List<String> samples = new ArrayList<>();
    int reconnectsBeforeRestart = -1;

    @BeforeAll
    void startPublishers() throws Exception {
        Files.createDirectories(LOGS);
        for (String name : List.of(LIVE + "-ffmpeg.log", AUDIO + "-ffmpeg.log", DVR + "-ffmpeg.log", BROKEN + "-ffmpeg.log", LIVE + "-chromium.log", "samples.log")) {
            Files.deleteIfExists(LOGS.resolve(name));
        }
        // The live bundles may still be starting when HTTP answers: give RTMP a moment before ffmpeg dials.
        long pid = esr.pid();
        try {
            Wait.until("the node to listen on tcp " + Esr.RTMP_PORT, Duration.ofSeconds(30),
                    () -> listening(pid).contains("tcp " + Esr.RTMP_PORT) ? Boolean.TRUE : null);
        } catch (AssertionError notYet) {
            // the ports test says so; start the publishers anyway so their logs show what they met
        }
        // The DVR stream runs from here, untouched, until the last test: its 60 s overlap the other tests.
        dvr = Ffmpeg.publish(Esr.rtmpUrl(DVR), FPS, LOGS, DVR + "-ffmpeg");
        live = Ffmpeg.publishVideoOnly(Esr.rtmpUrl(LIVE), FPS, LOGS, LIVE + "-ffmpeg");
        audioLive = Ffmpeg.publish(Esr.rtmpUrl(AUDIO), 320, 180, FPS, LOGS, AUDIO + "-ffmpeg");
    }

    /** Every client ends here, whatever failed (each on its own: one that cannot close does not keep the others). */
    @AfterAll
    void stopClients() {
        for (AutoCloseable client : new AutoCloseable[] {chromium, live, audioLive, dvr}) {
            if (client == null) {
                continue;
            }
            try {
                client.close();
            } catch (Exception | Error e) {
                System.err.println("[LivePathTest] closing " + client + " failed: " + e);
            }
        }
    }

    @Test
    @Order(1)
    void rtmpAndWebRtcPortsOpenAndPublishedStreamsAreListed() throws Exception {
        List<String> problems = new ArrayList<>();
        long pid = esr.pid();
        Set<String> sockets;
        try {
            sockets = Wait.until("tcp " + Esr.RTMP_PORT + " and udp " + Esr.WEBRTC_UDP_PORT + " to be open",
                    Duration.ofSeconds(5), () -> {
                        Set<String> s = listening(pid);
                        return s.contains("tcp " + Esr.RTMP_PORT) && s.contains("udp " + Esr.WEBRTC_UDP_PORT) ? s : null;
                    });
        } catch (AssertionError e) {
            sockets = listening(pid);
            problems.add("the node listens on " + sockets + ", not on tcp " + Esr.RTMP_PORT + " and udp " + Esr.WEBRTC_UDP_PORT);
        }
        note("node sockets: " + sockets);
        try {
            live.awaitFrames(2L * FPS, Duration.ofSeconds(20));
            dvr.awaitFrames(2L * FPS, Duration.ofSeconds(20));
            // ffmpeg at real time is the reference clock of every later check: it must keep up.
            Ffmpeg.Progress p = live.progress();
            note("ffmpeg publishing " + LIVE + ": " + p + "; " + DVR + ": " + dvr.progress());
            if (p.speed() < 0.95) {
                problems.add("ffmpeg does not keep up with 720p" + FPS + " in real time here (" + p
                        + "): rerun with -Dstateos.live.fps=25");
            }
        } catch (AssertionError e) {
            problems.add("RTMP publishing failed: " + e.getMessage());
        }
        HttpResponse<String> r = esr.get("/api/streams");
        try {
            Wait.until("GET /api/streams to list " + LIVE + " and " + DVR, Duration.ofSeconds(10), () -> {
                HttpResponse<String> a = esr.get("/api/streams");
                return a != null && a.statusCode() == 200 && a.body().contains("\"" + LIVE + "\"")
                        && a.body().contains("\"" + DVR + "\"") ? a : null;
            });
            r = esr.get("/api/streams");
            JsonParser.parseString(r.body());
            note("GET /api/streams: " + r.body());
        } catch (AssertionError | RuntimeException e) {
            r = esr.get("/api/streams");
            problems.add("GET /api/streams -> " + (r == null ? "no answer" : r.statusCode() + " " + r.body().strip()));
        }
        // The operator's view on the console: both streams with their codecs, both RTMP connections.
        String streams = esr.console().run("media:streams", Duration.ofSeconds(10));
        if (!(streams.contains(LIVE) && streams.contains(DVR) && streams.contains("H264") && streams.contains("AAC"))) {
            problems.add("media:streams does not show both streams with H264 and AAC:\n" + streams);
        }
        String sessions = esr.console().run("rtmp:sessions", Duration.ofSeconds(10));
        if (!(sessions.contains(LIVE) && sessions.contains(DVR))) {
            problems.add("rtmp:sessions does not show both publishers:\n" + sessions);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** (a) 720p decoded at >= 25 fps for >= 10 s, read from getStats, with a deadline to the first frame. */
    @Test
    @Order(2)
    void playerPageDecodes720pAtLeast25FpsForTenSeconds() throws Exception {
        live.awaitFrames(FPS, Duration.ofSeconds(20));
        chromium = Chromium.open("about:blank", LOGS, LIVE + "-chromium", Duration.ofSeconds(30));
        JsonObject script = new JsonObject();
        script.addProperty("source", TRACK_PEER_CONNECTIONS);
        chromium.cdp().send("Page.addScriptToEvaluateOnNewDocument", script);
        Instant opened = Instant.now();
        chromium.navigate(Esr.url("/?stream=" + LIVE));

        JsonObject first = awaitDecoding("first decoded frame on the player page", FIRST_FRAME, 0);
        note("first frame " + Duration.between(opened, Instant.now()).toMillis() + " ms after opening the page: " + first);

        // Sample every second for 10 s, from 2 s of frames after the first (past the GOP cache's catch-up burst).
        awaitDecoding("2 s of frames past the first", Duration.ofSeconds(10),
                first.get("framesDecodedTotal").getAsLong() + 2L * FPS);
        List<Long> decoded = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i <= 10; i++) {
            long due = start + TimeUnit.SECONDS.toNanos(i);
            long sleep = due - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            JsonObject s = sample("a");
            at.add(System.nanoTime());
            JsonObject last = s.getAsJsonObject("stats").getAsJsonObject("last");
            decoded.add(last.get("framesDecoded").getAsLong());
            if (last.get("frameWidth").getAsInt() != WIDTH || last.get("frameHeight").getAsInt() != HEIGHT) {
                problems.add("sample " + i + " decodes " + last.get("frameWidth") + "x" + last.get("frameHeight"));
            }
        }
        double seconds = (at.get(at.size() - 1) - at.get(0)) / 1e9;
        long total = decoded.get(decoded.size() - 1) - decoded.get(0);
        long minPerSecond = Long.MAX_VALUE;
        for (int i = 1; i < decoded.size(); i++) {
            minPerSecond = Math.min(minPerSecond, decoded.get(i) - decoded.get(i - 1));
        }
        note(String.format("(a) %d frames decoded in %.2f s = %.1f fps; slowest second %d frames; framesDecoded %s",
                total, seconds, total / seconds, minPerSecond, decoded));
        assertTrue(problems.isEmpty(), String.join("; ", problems));
        assertTrue(total >= 250 && total / seconds >= 25.0,
                String.format("%d frames decoded in %.2f s (%.1f fps), need >= 25 fps over 10 s", total, seconds, total / seconds));
        assertTrue(minPerSecond >= 15, "playback stalled: a second with only " + minPerSecond + " frames decoded " + decoded);

        // The page's own readout (the player contract), checked against getStats.
        JsonObject player = playerState();
        assertTrue(player != null, "the player page exposes no window.stateosPlayer");
        List<String> contract = new ArrayList<>();
        for (String field : List.of("state", "framesDecoded", "framesPerSecond", "frameWidth", "frameHeight",
                "bytesReceived", "latencyMs", "reconnects")) {
            if (!player.has(field)) {
                contract.add("missing " + field);
            }
        }
        assertTrue(contract.isEmpty(), "window.stateosPlayer " + player + ": " + String.join(", ", contract));
        assertEquals(WIDTH, player.get("frameWidth").getAsInt(), player.toString());
        assertEquals(HEIGHT, player.get("frameHeight").getAsInt(), player.toString());
        assertTrue(player.get("framesDecoded").getAsLong() >= decoded.get(decoded.size() - 1) - 3L * FPS,
                "stateosPlayer.framesDecoded lags getStats by more than the 1 s refresh: " + player);
        assertTrue(player.get("framesPerSecond").getAsDouble() >= 20, "stateosPlayer.framesPerSecond: " + player);
        assertTrue(player.get("bytesReceived").getAsLong() > 1_000_000, "stateosPlayer.bytesReceived: " + player);
        reconnectsBeforeRestart = player.get("reconnects").getAsInt();
    }

    /**
     * The stream's AAC audio (a 1 kHz sine at 44.1 kHz) reaches the browser as Opus through the transcoder and is
     * decoded there: getStats' inbound audio counts samples and energy well above silence, and transcoder:list
     * shows the running transcode. After the reload test: once the page plays audio, Chromium holds video back
     * to play it in sync with the audio (its jitter buffer is deeper), which would move the latency that test
     * compares against.
     */
    @Test
    @Order(7)
    void playerPageDecodesTheAacAudioThroughTheTranscoder() throws Exception {
        requireChromium();
        chromium.navigate(Esr.url("/?stream=" + AUDIO));
        awaitDecoding("video of the stream with audio", FIRST_FRAME, 2L * FPS);
        // The player starts muted (autoplay policy); Chromium reports audio level and energy only for audio it
        // plays, so unmute as a viewer's click would (the flag --autoplay-policy=no-user-gesture-required allows it).
        JsonElement unmuted = chromium.evaluate("(() => { const v = document.querySelector('video'); if (!v) return 'no video';"
                + " v.muted = false; v.volume = 1; return v.play().then(() => 'playing', e => 'play failed: ' + e); })()");
        note("(audio) unmuting the player: " + unmuted);
        JsonObject first = Wait.until("Opus audio packets in the page", Duration.ofSeconds(20), () -> {
            JsonObject a = audio("audio-wait");
            return a.get("packetsReceived").getAsLong() > 50 ? a : null;
        });
        Thread.sleep(2000);   // a measuring interval, not a wait for a condition
        JsonObject second = audio("audio");
        long samples = second.get("totalSamplesReceived").getAsLong() - first.get("totalSamplesReceived").getAsLong();
        long packets = second.get("packetsReceived").getAsLong() - first.get("packetsReceived").getAsLong();
        double energy = second.get("totalAudioEnergy").getAsDouble() - first.get("totalAudioEnergy").getAsDouble();
        String list = esr.console().run("transcoder:list", Duration.ofSeconds(10));
        note("(audio) over 2 s: " + samples + " samples, " + packets + " packets, energy " + energy + ", level "
                + second.get("audioLevel") + ", codec " + second.get("mimeType") + "; transcoder:list:\n" + list);
        assertEquals("audio/opus", second.get("mimeType").getAsString(), second.toString());
        assertTrue(packets >= 80, "2 s of 20 ms Opus packets expected (100), got " + packets + ": " + second);
        assertTrue(samples >= 80_000, "the browser's audio samples do not advance at 48 kHz: " + samples + " in 2 s");
        // A full-scale sine has level ~0.7 (energy ~0.5 per second); ffmpeg's sine is 1/8 of full scale: ~0.09 and
        // ~0.008/s. Silence is 0.
        assertTrue(second.get("audioLevel").getAsDouble() > 0.02, "audio level at silence: " + second);
        assertTrue(energy > 0.002, "audio energy at silence over 2 s: " + energy);
        assertTrue(list.contains(AUDIO) && list.contains("RUNNING"), "transcoder:list does not show " + AUDIO + ":\n" + list);
    }

    /**
     * The transcoder bundle is restarted while the page plays: video keeps decoding through it (the transcode
     * is a derived track, not part of the video path), and audio comes back once the new transcoder is up (the
     * WebRTC session takes a new lease).
     */
    @Test
    @Order(8)
    void restartingTheTranscoderBundleKeepsVideoPlayingAndAudioResumes() throws Exception {
        requireChromium();
        String id = esr.bundleId("org.stateos.transcoder");
        long videoBefore = sample("swap-before").getAsJsonObject("stats").get("framesDecodedTotal").getAsLong();
        Instant swapped = Instant.now();
        String out = esr.console().run("bundle:restart " + id, Duration.ofSeconds(20));
        long swapMillis = Duration.between(swapped, Instant.now()).toMillis();
        long audioAtSwap = audio("swap").get("packetsReceived").getAsLong();
        // Video through the swap: every second of the next 3 decodes frames.
        List<Long> decoded = new ArrayList<>();
        decoded.add(videoBefore);
        for (int i = 0; i < 3; i++) {
            Thread.sleep(1000);   // sampling interval
            decoded.add(sample("swap-" + i).getAsJsonObject("stats").get("framesDecodedTotal").getAsLong());
        }
        JsonObject resumed = Wait.until("audio packets to resume after the transcoder restart", Duration.ofSeconds(20), () -> {
            JsonObject a = audio("swap-audio");
            return a.get("packetsReceived").getAsLong() > audioAtSwap + 100 && a.get("audioLevel").getAsDouble() > 0.02
                    ? a : null;
        });
        long resumedMillis = Duration.between(swapped, Instant.now()).toMillis();
        note("(swap) bundle:restart " + id + " took " + swapMillis + " ms (" + out.strip() + "); video framesDecoded "
                + decoded + "; audio resumed " + resumedMillis + " ms after the restart began: " + resumed);
        for (int i = 1; i < decoded.size(); i++) {
            assertTrue(decoded.get(i) - decoded.get(i - 1) >= 15, "video stalled during the transcoder swap: " + decoded);
        }
        assertTrue(esr.console().run("bundle:list -t 0 " + id, Duration.ofSeconds(10)).contains("Active"),
                "the transcoder bundle is not active again");
    }

    /**
     * The player page's readouts besides the picture: the live latency (RTCP sender-report clock mapping and
     * the ingest wall clock) and the bitrate (bytesReceived growing).
     */
    @Test
    @Order(3)
    void playerPageShowsLiveLatencyAndReceivedBytes() throws Exception {
        requireChromium();
        JsonObject before = playerState();
        Thread.sleep(2000);
        JsonObject after = playerState();
        note("stateosPlayer readouts: " + before + " -> " + after);
        assertTrue(before != null && after != null, "no window.stateosPlayer");
        assertTrue(after.get("bytesReceived").getAsLong() > before.get("bytesReceived").getAsLong() + 200_000,
                "bytesReceived does not grow at ~2.5 Mbit/s over 2 s: " + before + " -> " + after);
        JsonElement latency = after.get("latencyMs");
        JsonObject stats = sample("latency").getAsJsonObject("stats").getAsJsonObject("last");
        note("getStats for the latency: estimatedPlayoutTimestamp " + stats.get("estimatedPlayoutTimestamp")
                + ", sender reports " + stats.get("senderReports") + ", last SR NTP time (ms since 1970) "
                + stats.get("senderReportTimestamp") + ", browser Date.now() " + chromium.evaluate("Date.now()"));
        // What else the browser offers for a latency figure: the frame callback's captureTime (mapped
        // through the sender reports) against the time the frame is shown.
        JsonElement frame = chromium.evaluate(String.join("\n", List.of(
                "new Promise(done => {",
                "  const v = document.querySelector('video');",
                "  if (!v || !v.requestVideoFrameCallback) return done('no video element with requestVideoFrameCallback');",
                "  setTimeout(() => done('no video frame callback in 2 s'), 2000);",
                "  v.requestVideoFrameCallback((now, m) => done({captureTime: m.captureTime, receiveTime: m.receiveTime,",
                "    expectedDisplayTime: m.expectedDisplayTime, rtpTimestamp: m.rtpTimestamp,",
                "    displayMinusCaptureMs: m.captureTime === undefined ? null : m.expectedDisplayTime - m.captureTime}));",
                "})")));
        note("requestVideoFrameCallback metadata on the player's <video>: " + frame);
        assertTrue(latency != null && latency.isJsonPrimitive() && latency.getAsJsonPrimitive().isNumber(),
                "stateosPlayer.latencyMs is " + latency + " after " + (after.get("framesDecoded")) + " frames decoded: no latency readout;"
                + " the video inbound-rtp getStats: " + stats);
        double ms = latency.getAsDouble();
        assertTrue(ms >= 0 && ms < 3000, "stateosPlayer.latencyMs = " + ms + " (a local viewer of a live stream)");
    }

    /**
     * (b) The publisher stops ('q': ffmpeg unpublishes) and starts again on the same key: the node takes the
     * new publisher, and the same page plays again.
     */
    @Test
    @Order(4)
    void publisherRestartResumesPlaybackInTheSamePage() throws Exception {
        Long decodedBefore = null;
        if (chromium != null && chromium.isAlive()) {
            try {
                decodedBefore = sample("b-before").getAsJsonObject("stats").get("framesDecodedTotal").getAsLong();
            } catch (RuntimeException e) {
                note("(b) nothing decoded before the restart: " + e.getMessage());
            }
        }
        Ffmpeg.Progress first = live.restart();
        note("(b) publisher stopped after " + first.frame() + " frames (" + first + "), restarted");
        Instant restarted = Instant.now();
        live.awaitFrames(2L * FPS, Duration.ofSeconds(15));
        note("(b) the node took the restarted publisher: " + live.progress());
        requireChromium();
        assertTrue(decodedBefore != null, "the page decoded nothing before the restart");
        JsonObject resumed = awaitDecoding("playback to resume after the publisher restart", RESUME,
                decodedBefore + 2L * FPS);
        long millis = Duration.between(restarted, Instant.now()).toMillis();
        JsonObject player = playerState();
        note("(b) resumed " + millis + " ms after the restart (2 s of frames decoded); getStats " + resumed
                + "; stateosPlayer " + player);
        JsonObject last = resumed.getAsJsonObject("last");
        assertEquals(WIDTH, last.get("frameWidth").getAsInt(), resumed.toString());
        assertEquals(HEIGHT, last.get("frameHeight").getAsInt(), resumed.toString());
        if (player != null && player.has("reconnects")) {
            note("(b) stateosPlayer.reconnects " + reconnectsBeforeRestart + " -> " + player.get("reconnects")
                    + ", peer connections made by the page: " + resumed.get("pcs"));
        }
    }

    /**
     * (b') The publisher dies (SIGKILL: no unpublish) and reconnects on the same key, as OBS does after a
     * network drop: the node lets the newcomer take over the dropped stream, and the page plays again.
     */
    @Test
    @Order(5)
    void droppedPublisherReconnectsAndPlaybackResumes() throws Exception {
        requireChromium();
        long decodedBefore = sample("b2-before").getAsJsonObject("stats").get("framesDecodedTotal").getAsLong();
        Ffmpeg.Progress first = live.crashAndRestart();
        Instant restarted = Instant.now();
        note("(b') publisher killed (SIGKILL) after " + first.frame() + " frames, started again");
        live.awaitFrames(2L * FPS, Duration.ofSeconds(15));
        JsonObject resumed = awaitDecoding("playback to resume after the publisher was killed and reconnected",
                RESUME, decodedBefore + 2L * FPS);
        note("(b') resumed " + Duration.between(restarted, Instant.now()).toMillis() + " ms after the reconnect; getStats "
                + resumed + "; stateosPlayer " + playerState());
        JsonObject last = resumed.getAsJsonObject("last");
        assertEquals(WIDTH, last.get("frameWidth").getAsInt(), resumed.toString());
        assertEquals(HEIGHT, last.get("frameHeight").getAsInt(), resumed.toString());
    }

    /** (c) The viewer reloads the page: playback starts again. */
    @Test
    @Order(6)
    void viewerReloadResumesPlayback() throws Exception {
        requireChromium();
        String sessions = esr.console().run("webrtc:sessions", Duration.ofSeconds(10));
        assertTrue(sessions.contains(LIVE), "webrtc:sessions does not show the player's session:\n" + sessions);
        // The player's video left in segmented sends (one sendmsg per frame, UDP GSO): JNA's native part loaded in
        // the container and the JVM let the bundle read the socket's descriptor (bin/setenv).
        java.util.regex.Matcher gso = java.util.regex.Pattern.compile("UDP send: UDP GSO on \\d+ of \\d+ sockets?: (\\d+) sendmsg calls carried (\\d+) datagrams")
                .matcher(sessions);
        assertTrue(gso.find() && Long.parseLong(gso.group(2)) > Long.parseLong(gso.group(1)),
                "webrtc:sessions does not show the video leaving in segmented sends:\n" + sessions);
        // The viewer before the reload has played for a minute: its latency is the settled one. One readout is one
        // frame's (it jitters by tens of ms on the shared CPUs, once 127 ms off its neighbours) and the page takes one
        // a second, so the reference is the median over 4 s.
        List<Double> before = latencyReadouts(Duration.ofSeconds(4));
        assertTrue(before.size() >= 3, "fewer than 3 latency readouts in 4 s before the reload: " + before);
        double settled = median(before);
        Instant reloaded = Instant.now();
        chromium.reload();
        JsonObject resumed = awaitDecoding("playback after the page reload", RESUME, 2L * FPS);
        // The reloaded page joins at an arbitrary point of the GOP: it starts from the cached keyframe and must
        // converge within 3 s to within 100 ms of the settled viewer's latency, and stay there.
        Instant playing = Instant.now();
        List<Double> rejoined = new ArrayList<>();
        double first = Wait.until("a latency readout from the reloaded page", Duration.ofSeconds(3),
                () -> latencyInto(rejoined));
        // With the stream's audio in the page (issue 5), Chromium plays video in sync with audio: it moves the video
        // delay toward the audio's jitter-buffer delay by at most 80 ms a second (WebRTC's StreamSynchronization),
        // so a rejoined viewer reaches a settled viewer that a bursty publisher pushed to a deep audio buffer at
        // that rate, not at once. The 3 s bound (from the first decoded frames) holds for the node's own catch-up
        // (video alone); the slew adds a second per 80 ms that the first readout lags beyond the 100 ms.
        long slewMillis = audio("reload").get("packetsReceived").getAsLong() > 0
                ? Math.round(Math.max(0, first - settled - 100) / 80.0 * 1000) : 0;
        Duration bound = Duration.ofSeconds(3).plusMillis(slewMillis);
        note("(c) rejoined at " + first + " ms against the settled " + Math.round(settled) + " ms (median of " + before
                + "): waiting up to " + bound.toMillis() + " ms (3 s + the browser's lip-sync slew)");
        // Behind is what a mid-GOP join risks (it starts from an old keyframe), so the bound is on lagging: a rejoined
        // viewer *ahead* of the settled one has a fresh jitter buffer, while the settled one's grew through the
        // publisher restarts before this test (locally ahead in 11 of 12 runs, by up to 100 ms).
        Duration left = bound.minus(Duration.between(playing, Instant.now()));
        double converged;
        try {
            converged = Wait.until("the rejoined viewer's latency to come within 100 ms of the settled "
                    + Math.round(settled) + " ms", left.isNegative() ? Duration.ZERO : left, () -> {
                        Double now = latencyInto(rejoined);
                        return now != null && now - settled <= 100 ? now : null;
                    });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; readouts before the reload " + before + ", after it " + rejoined, e);
        }
        long convergedAfter = Duration.between(playing, Instant.now()).toMillis();
        // Then it stays there: the median over the next 3 s.
        List<Double> after = latencyReadouts(Duration.ofSeconds(3));
        assertTrue(after.size() >= 3, "fewer than 3 latency readouts in 3 s after rejoining: " + after + "; before the reload " + before);
        double median = median(after);
        assertTrue(median - settled <= 100, "the rejoined viewer's median latency over 3 s, " + Math.round(median)
                + " ms, lags the settled " + Math.round(settled) + " ms by more than 100 ms: " + after + "; before the reload "
                + before + ", while converging " + rejoined);
        note("(c) latency before the reload " + Math.round(settled) + " ms; after rejoining " + Math.round(converged)
                + " ms, within 100 ms " + convergedAfter + " ms after playback resumed; median over the next 3 s "
                + Math.round(median) + " ms (" + Math.round(median - settled) + " ms against the settled viewer)");
        note("(c) " + resumed.getAsJsonObject("last").get("framesDecoded") + " frames decoded "
                + Duration.between(reloaded, Instant.now()).toMillis() + " ms after the reload: " + resumed);
        JsonObject last = resumed.getAsJsonObject("last");
        assertEquals(WIDTH, last.get("frameWidth").getAsInt(), resumed.toString());
        assertEquals(HEIGHT, last.get("frameHeight").getAsInt(), resumed.toString());
        assertTrue(resumed.get("pcs").getAsInt() >= 1, resumed.toString());
    }

    /**
     * A publisher whose AAC access units are garbage (a valid AudioSpecificConfig over noise): its transcode stops
     * with an error that says so, its video plays in the page, and the node and the other streams go on.
     */
    @Test
    @Order(12)
    void aBrokenAudioTrackStopsItsTranscodeButVideoPlaysAndTheNodeStaysUp() throws Exception {
        requireChromium();
        try (Ffmpeg broken = Ffmpeg.publishWithGarbageAudio(Esr.rtmpUrl(BROKEN), FPS, LOGS, BROKEN + "-ffmpeg")) {
            // Last of the class (after the DVR test): a third stream would crowd the test store's DVR window.
            broken.awaitFrames(2L * FPS, Duration.ofSeconds(20));
            chromium.navigate(Esr.url("/?stream=" + BROKEN));
            JsonObject playing = awaitDecoding("video of the stream with broken audio", FIRST_FRAME, 2L * FPS);
            String list = Wait.until("transcoder:list to show the broken transcode as FAILED", Duration.ofSeconds(20), () -> {
                String l = esr.console().run("transcoder:list", Duration.ofSeconds(10));
                return l.contains(BROKEN) && l.contains("FAILED") ? l : null;
            });
            long decoded = playing.get("framesDecodedTotal").getAsLong();
            JsonObject later = awaitDecoding("video to play on after the transcode failed", Duration.ofSeconds(10),
                    decoded + 2L * FPS);
            note("(broken audio) transcoder:list:\n" + list + "video decoding on: " + later);
            assertTrue(list.contains("failed to decode"), "the error does not say what broke:\n" + list);
            assertTrue(esr.isAlive(), "the node died");
            assertTrue(live.isAlive(), "the other publisher was dropped");
            String streams = esr.console().run("media:streams", Duration.ofSeconds(10));
            assertTrue(streams.contains(LIVE) && streams.contains(BROKEN), "streams after the broken audio:\n" + streams);
            chromium.navigate(Esr.url("/"));   // the viewer leaves: the failed transcode is forgotten after the grace
            Wait.until("the failed transcode to be forgotten once its viewer left", Duration.ofSeconds(60), () -> {
                String l = esr.console().run("transcoder:list", Duration.ofSeconds(10));
                return l.contains(BROKEN) ? null : l;
            });
            assertTrue(esr.log().contains("failed to decode"), "karaf.log has no clear error for the broken track");
        }
    }

    /** The player page without ?stream= lists the live streams (both publishers are live here). */
    @Test
    @Order(9)
    void playerPageListsTheLiveStreams() {
        requireChromium();
        chromium.navigate(Esr.url("/"));
        String expression = "document.body ? document.body.innerText : ''";
        String text;
        try {
            text = Wait.until("the player page at / to list " + LIVE + " and " + DVR, Duration.ofSeconds(10), () -> {
                JsonElement t = chromium.evaluate(expression);
                String s = t.isJsonPrimitive() ? t.getAsString() : "";
                return s.contains(LIVE) && s.contains(DVR) ? s : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the page shows: " + chromium.evaluate(expression), e);
        }
        note("player page at /: " + text.replaceAll("\\s+", " "));
    }

    /** No viewer of the AAC stream is left (the page shows the list): its transcode stops after the grace. */
    @Test
    @Order(10)
    void theTranscodeStopsAfterTheLastViewerLeaves() throws Exception {
        Instant from = Instant.now();
        String list = Wait.until("transcoder:list to no longer show " + AUDIO, Duration.ofSeconds(60), () -> {
            String l = esr.console().run("transcoder:list", Duration.ofSeconds(10));
            return l.contains(AUDIO) ? null : l;
        });
        note("(stop) transcode of " + AUDIO + " gone " + Duration.between(from, Instant.now()).toMillis()
                + " ms after the page left the stream; transcoder:list:\n" + list);
        String sessions = esr.console().run("webrtc:sessions", Duration.ofSeconds(10));
        assertTrue(!sessions.contains(AUDIO), "a WebRTC session of " + AUDIO + " is still open:\n" + sessions);
    }

    /**
     * (d) The DVR stream, published without a break for over 60 s: its time index covers 60 s with no gap,
     * and the MP4 the node assembles from the stored fragments has every published frame, to within one GOP.
     */
    @Test
    @Order(11)
    void sixtySecondsAreIndexedWithoutGapsAndReplayAsAnMp4WithEveryFrame() throws Exception {
        assertTrue(dvr.isAlive(), "the DVR publisher is not running (exit " + dvr.exitCode() + ")");
        Instant began = dvr.firstFrameAt();
        assertTrue(began != null, "the DVR publisher never sent a frame");
        // ffmpeg's own frame count says when the stream has run long enough (it publishes in real time).
        long leftMillis = Math.max(0, Duration.between(Instant.now(), began.plus(DVR_STREAMED)).toMillis());
        Wait.until("the DVR publisher to stream " + DVR_STREAMED.toSeconds() + " s of frames",
                Duration.ofMillis(leftMillis).plusSeconds(30),
                () -> dvr.frames() >= DVR_STREAMED.toSeconds() * FPS ? Boolean.TRUE : null);
        HttpResponse<String> streams = esr.get("/api/streams");
        note("(d) GET /api/streams before the DVR publisher stops: " + (streams == null ? "no answer" : streams.body()));
        Ffmpeg.Progress end = dvr.stop();
        assertTrue(end.ended() && dvr.exitCode() == 0, "ffmpeg did not finish cleanly: " + end + " exit " + dvr.exitCode());
        long published = end.frame();
        note("(d) " + DVR + ": ffmpeg published " + published + " frames in " + end.outTimeMicros() / 1e6
                + " s of media time, first frame out at " + began);
        assertTrue(published >= 62L * FPS, "streamed only " + published + " frames");

        // The index is asked in microseconds (the store's unit). The window is found from the covered
        // spans (the track's timeline may be wall clock or stream time), then 60 s of it are asked.
        long nowMicros = Instant.now().toEpochMilli() * 1000;
        long beganMicros = began.toEpochMilli() * 1000;
        List<long[]> windows = List.of(
                new long[] {beganMicros - 60 * MICROS, nowMicros + 60 * MICROS},
                new long[] {0, nowMicros + 3600 * MICROS});
        JsonObject coverage = null;
        List<long[]> covered = List.of();
        StringBuilder asked = new StringBuilder();
        for (long[] w : windows) {
            long[] window = w;
            // Fragments are cut at keyframes and written as they complete: the last lands after the stop.
            // Wait for them while the node answers 200; an error answer is not waited on past 3 s.
            JsonObject c = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            long errorDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
                JsonObject answer = coverage(window[0], window[1], asked);
                if (answer == null && System.nanoTime() > errorDeadline) {
                    break;
                }
                if (answer != null && total(spans(answer, "covered")) >= 62 * MICROS) {
                    c = answer;
                    break;
                }
                Thread.sleep(500);
            }
            if (c != null) {
                coverage = c;
                covered = spans(c, "covered");
                break;
            }
        }
        assertTrue(coverage != null, "no 62 s of coverage found for " + DVR + "; last questions:\n" + lastLines(asked, 6));
        note("(d) coverage: " + coverage);
        assertEquals(1, covered.size(), "the uninterrupted stream is covered in more than one piece: " + coverage);
        long from = covered.get(0)[0];
        long to = covered.get(0)[1];
        long sixtyFrom = from + MICROS;
        JsonObject sixty = coverage(sixtyFrom, sixtyFrom + 60 * MICROS, asked);
        assertTrue(sixty != null, "coverage of 60 s failed; last questions:\n" + lastLines(asked, 3));
        assertTrue(spans(sixty, "gaps").isEmpty(), "gaps in 60 s of " + DVR + ": " + sixty);
        assertEquals(60 * MICROS, total(spans(sixty, "covered")), "60 s not fully covered: " + sixty);

        // The whole recording as one MP4 from the store's fragments.
        Path mp4 = LOGS.resolve(DVR + ".mp4");
        Files.deleteIfExists(mp4);
        String dvrPath = "/dvr/" + DVR + ".mp4?track=0&from=" + from + "&to=" + to;
        int status = esr.download(dvrPath, mp4, Duration.ofSeconds(60));
        assertEquals(200, status, "GET " + dvrPath + " answered " + status + ": "
                + (Files.exists(mp4) ? Processes.tail(mp4, 5) : ""));
        note("(d) GET " + dvrPath + " -> " + Files.size(mp4) + " bytes");
        JsonObject probe = ffprobe(mp4);
        note("(d) ffprobe: " + probe);
        JsonObject stream = probe.getAsJsonArray("streams").get(0).getAsJsonObject();
        assertEquals(WIDTH, stream.get("width").getAsInt(), probe.toString());
        assertEquals(HEIGHT, stream.get("height").getAsInt(), probe.toString());
        long frames = stream.get("nb_read_frames").getAsLong();
        assertTrue(Math.abs(frames - published) <= FPS,
                "the DVR file has " + frames + " frames, ffmpeg published " + published + " (one GOP is " + FPS + ")");
    }

    // ---- helpers

    /** One sample of the page: getStats through the injected tracker, and window.stateosPlayer. */
    JsonObject sample(String label) {
        JsonObject s = new JsonObject();
        s.addProperty("t", Instant.now().toString());
        s.addProperty("label", label);
        JsonElement stats = chromium.evaluate("window.__stateosVideo ? window.__stateosVideo() : null");
        s.add("stats", stats);
        JsonElement player = chromium.evaluate("window.stateosPlayer ? JSON.parse(JSON.stringify(window.stateosPlayer)) : null");
        s.add("player", player);
        record(s.toString());
        if (!stats.isJsonObject()) {
            throw new IllegalStateException("the page has no RTCPeerConnection tracker (not a page load?): " + s);
        }
        if (stats.getAsJsonObject().get("last").isJsonNull()) {
            throw new IllegalStateException("the page has made no RTCPeerConnection with inbound video: " + s);
        }
        return s;
    }

    /** The page's inbound audio, summed over its peer connections (getStats through the injected tracker). */
    JsonObject audio(String label) {
        JsonElement a = chromium.evaluate("window.__stateosAudio ? window.__stateosAudio() : null");
        record("AUDIO " + label + " " + a);
        if (!a.isJsonObject()) {
            throw new IllegalStateException("the page has no audio tracker: " + a);
        }
        return a.getAsJsonObject();
    }

    /** Waits until the page has decoded more than {@code atLeast} frames in all; returns the getStats summary. */
    JsonObject awaitDecoding(String what, Duration timeout, long atLeast) {
        return Wait.until(what + " (getStats framesDecoded > " + atLeast + ")", timeout, () -> {
            JsonObject stats = sample("wait").getAsJsonObject("stats");
            return stats.get("framesDecodedTotal").getAsLong() > atLeast
                    && stats.getAsJsonObject("last").get("framesDecoded").getAsLong() > 0 ? stats : null;
        });
    }

    /** The player's latency readout, or null while it has none. */
    Double latencyMs() {
        JsonObject p = playerState();
        return p == null || !p.has("latencyMs") || p.get("latencyMs").isJsonNull() ? null : p.get("latencyMs").getAsDouble();
    }

    /** The player's latency readouts over {@code period}, polled every 100 ms (repeats included: each is a sample). */
    List<Double> latencyReadouts(Duration period) {
        List<Double> readouts = new ArrayList<>();
        Wait.holds("sampling the latency readout", period, () -> {
            latencyInto(readouts);
            return true;
        });
        return readouts;
    }

    /** The player's latency readout, also added to {@code readouts} when there is one. */
    Double latencyInto(List<Double> readouts) {
        Double now = latencyMs();
        if (now != null) {
            readouts.add(now);
        }
        return now;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    JsonObject playerState() {
        JsonElement p = chromium.evaluate("window.stateosPlayer ? JSON.parse(JSON.stringify(window.stateosPlayer)) : null");
        return p.isJsonObject() ? p.getAsJsonObject() : null;
    }

    void requireChromium() {
        if (chromium == null || !chromium.isAlive()) {
            fail("no player page to test: the playback test did not get as far as opening it");
        }
    }

    JsonObject coverage(long from, long to, StringBuilder asked) {
        String path = "/api/streams/" + DVR + "/coverage?track=0&from=" + from + "&to=" + to;
        HttpResponse<String> r = esr.get(path);
        String answer = r == null ? "no answer" : r.statusCode() + " " + r.body().strip();
        asked.append("GET ").append(path).append(" -> ").append(answer.length() > 400 ? answer.substring(0, 400) + "..." : answer).append('\n');
        if (r == null || r.statusCode() != 200) {
            return null;
        }
        try {
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The spans under {@code key}: objects with start/end (startMicros/endMicros, from/to) or [start, end]
     * pairs.
     */
    static List<long[]> spans(JsonObject coverage, String key) {
        List<long[]> out = new ArrayList<>();
        if (!coverage.has(key) || !coverage.get(key).isJsonArray()) {
            throw new AssertionError("coverage answer has no '" + key + "' array: " + coverage);
        }
        for (JsonElement e : coverage.getAsJsonArray(key)) {
            if (e.isJsonArray()) {
                JsonArray a = e.getAsJsonArray();
                out.add(new long[] {a.get(0).getAsLong(), a.get(1).getAsLong()});
                continue;
            }
            JsonObject o = e.getAsJsonObject();
            out.add(new long[] {field(o, "startMicros", "start", "from"), field(o, "endMicros", "end", "to")});
        }
        return out;
    }

    static long field(JsonObject o, String... names) {
        for (String n : names) {
            if (o.has(n)) {
                return o.get(n).getAsLong();
            }
        }
        throw new AssertionError("span without " + String.join("/", names) + ": " + o);
    }

    static String lastLines(CharSequence text, int n) {
        String[] lines = text.toString().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
    }

    static long total(List<long[]> spans) {
        return spans.stream().mapToLong(s -> s[1] - s[0]).sum();
    }

    static JsonObject ffprobe(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames,width,height,codec_name,profile", "-of", "json", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffprobe hung on " + file);
        assertEquals(0, p.exitValue(), "ffprobe cannot read " + file + ": " + out);
        JsonObject json;
        try {
            json = JsonParser.parseString(out.substring(out.indexOf('{'))).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new AssertionError("ffprobe said: " + out, e);
        }
        assertTrue(json.has("streams") && json.getAsJsonArray("streams").size() == 1, "no video stream in " + file + ": " + out);
        return json;
    }

    static Set<String> listening(long pid) {
        try {
            return Sockets.listening(pid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    void note(String line) {
        System.out.println("[LivePathTest] " + line);
        record("NOTE " + line);
    }

    void record(String line) {
        synchronized (samples) {
            samples.add(line);
        }
        try {
            Files.writeString(LOGS.resolve("samples.log"), Instant.now() + " " + line + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** The tails of every transcript, for a failure message. */
    String transcripts() {
        StringBuilder out = new StringBuilder("\n\n===== transcripts (full files in ").append(LOGS.toAbsolutePath()).append(")\n");
        synchronized (samples) {
            out.append("--- samples and notes (last 12)\n");
            samples.subList(Math.max(0, samples.size() - 12), samples.size()).forEach(s -> out.append(s).append('\n'));
        }
        for (Ffmpeg f : new Ffmpeg[] {live, dvr}) {
            if (f != null) {
                out.append(f.tail(15));
            }
        }
        if (chromium != null) {
            out.append(chromium.transcript(20));
        }
        if (esr != null && esr.isAlive()) {
            try {
                out.append("--- media:streams\n").append(esr.console().run("media:streams", Duration.ofSeconds(10)).strip()).append('\n');
            } catch (AssertionError | RuntimeException e) {
                out.append("(media:streams: ").append(e.getMessage()).append(")\n");
            }
        }
        if (esr != null) {
            Path log = esr.home().resolve("data/log/karaf.log");
            out.append("--- karaf.log (").append(log).append("), lines of the live bundles and warnings, last 40\n");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                List<String> picked = lines.stream().filter(l -> l.contains("org.stateos.media") || l.contains("org.stateos.rtmp")
                        || l.contains("org.stateos.webrtc") || l.contains("org.stateos.transcoder") || l.contains("WARN") || l.contains("ERROR")
                        || l.startsWith("\t") || l.startsWith("Caused by")).toList();
                picked.subList(Math.max(0, picked.size() - 40), picked.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException | RuntimeException e) {
                out.append("(cannot read: ").append(e).append(")\n");
            }
            out.append("--- karaf.log, last 15 lines\n").append(Processes.tail(log, 15));
        }
        return out.toString();
    }

    /** Appends the transcripts' tails to any failure of a test or of this class's set-up. */
    static final class Transcripts implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw withTranscripts(context, t);
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw withTranscripts(context, t);
        }

        private static Throwable withTranscripts(ExtensionContext context, Throwable t) {
            Object test = context.getTestInstance().orElse(null);
            if (!(test instanceof LivePathTest live)) {
                return t;
            }
            String tails;
            try {
                tails = live.transcripts();
            } catch (RuntimeException e) {
                tails = "\n(transcripts unavailable: " + e + ")";
            }
            AssertionError error = new AssertionError(t.getMessage() + tails, t);
            return error;
        }
    }
}
