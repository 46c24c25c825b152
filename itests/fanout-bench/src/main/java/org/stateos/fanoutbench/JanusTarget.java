package org.stateos.fanoutbench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Janus 1.1 from Debian ({@code apt-get install -y janus}) with the committed configuration in
 * itests/fanout-bench/janus (streaming plugin, HTTP transport on 127.0.0.1:8088, ICE-lite), pinned to the
 * server's core, its mountpoint fed the same file as RTP by ffmpeg ({@code -c copy -an}) on the client's core.
 */
public final class JanusTarget implements Target {
    static final int VIDEO_PORT = 5004;
    static final int MOUNTPOINT = 1;
    private final Pinned janus;
    private final Pinned ffmpeg;

    private JanusTarget(Pinned janus, Pinned ffmpeg) {
        this.janus = janus;
        this.ffmpeg = ffmpeg;
    }

    public static JanusTarget start(Path configDir, Path work, Path media, int serverCore, int clientCore)
            throws Exception {
        Path janusBin = Path.of("/usr/bin/janus");
        if (!Files.isExecutable(janusBin)) {
            throw new IllegalStateException("janus is not installed: apt-get install -y janus (Debian's 1.1.x)");
        }
        if (EsrTarget.status("http://127.0.0.1:8088/janus/info") != -1) {
            throw new IllegalStateException("something already answers on 127.0.0.1:8088 in this namespace: stop it first");
        }
        Pinned janus = Pinned.start("janus", serverCore, List.of(janusBin.toString(), "-F", configDir.toString(),
                "-C", configDir.resolve("janus.jcfg").toString(), "-o"), configDir, work.resolve("janus.log"), Map.of());
        try {
            Wait.until("Janus's HTTP API on 127.0.0.1:8088 to answer /janus/info", Duration.ofSeconds(30),
                    () -> EsrTarget.status("http://127.0.0.1:8088/janus/info") == 200);
            Pinned ffmpeg = Publisher.rtp(media, clientCore, work, VIDEO_PORT);
            return new JanusTarget(janus, ffmpeg);
        } catch (Exception | AssertionError e) {
            janus.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "janus";
    }

    @Override
    public long pid() {
        return janus.pidOf("/janus");
    }

    @Override
    public List<String> clientArgs() {
        return List.of("--janus", "http://127.0.0.1:8088/janus", "--mountpoint", Integer.toString(MOUNTPOINT));
    }

    @Override
    public Optional<Latency> latency() {
        return Optional.empty(); // Janus does not report a server-added latency
    }

    @Override
    public boolean isAlive() {
        return janus.isAlive() && ffmpeg.isAlive();
    }

    @Override
    public void close() {
        ffmpeg.close();
        janus.close();
    }
}
