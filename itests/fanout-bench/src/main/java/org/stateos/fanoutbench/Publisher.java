package org.stateos.fanoutbench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** ffmpeg replaying the pre-encoded file in real time, looped, without re-encoding, pinned to the client's core. */
final class Publisher {
    private Publisher() {
    }

    /** RTMP to the node: video and AAC as they are in the file. */
    static Pinned rtmp(Path media, int core, Path work) throws IOException {
        return Pinned.start("ffmpeg-rtmp", core, List.of("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin",
                "-re", "-stream_loop", "-1", "-i", media.toString(), "-c", "copy", "-f", "flv",
                "rtmp://127.0.0.1:1935/live/" + EsrTarget.STREAM), work, work.resolve("ffmpeg-rtmp.log"), Map.of());
    }

    /** Plain RTP of the video alone to Janus's mountpoint port (SPS/PPS are in-band in the file). */
    static Pinned rtp(Path media, int core, Path work, int port) throws IOException {
        return Pinned.start("ffmpeg-rtp", core, List.of("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin",
                "-re", "-stream_loop", "-1", "-i", media.toString(), "-c", "copy", "-an", "-payload_type", "96",
                "-f", "rtp", "rtp://127.0.0.1:" + port + "?pkt_size=1200"), work, work.resolve("ffmpeg-rtp.log"), Map.of());
    }
}
