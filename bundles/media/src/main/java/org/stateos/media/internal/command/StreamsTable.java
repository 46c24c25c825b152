package org.stateos.media.internal.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.stateos.api.console.ConsoleText;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.TrackConfig;

/** media:streams as a table that fits 80 columns. */
public final class StreamsTable {
    private StreamsTable() {}

    public static List<String> lines(List<StreamInfo> streams, Instant now) {
        List<String> out = new ArrayList<>();
        if (streams.isEmpty()) {
            out.add("No streams.");
            return out;
        }
        out.add(row("NAME", "STATE", "TRACKS", "BITRATE", "VIEWERS", "UPTIME"));
        for (StreamInfo s : streams) {
            out.add(row(s.name(), s.state() == StreamInfo.State.LIVE ? "live" : "waiting", tracks(s), bitrate(s.bitrateBps()),
                    Integer.toString(s.viewers()), uptime(Duration.between(s.since(), now))));
        }
        return out;
    }

    private static String row(String name, String state, String tracks, String bitrate, String viewers, String uptime) {
        return ConsoleText.padRight(ConsoleText.cutEnd(ConsoleText.clean(name), 18), 19)
                + ConsoleText.padRight(state, 8)
                + ConsoleText.padRight(ConsoleText.cutEnd(tracks, 23), 24)
                + ConsoleText.padLeft(bitrate, 10) + ConsoleText.padLeft(viewers, 8) + ConsoleText.padLeft(uptime, 10);
    }

    /** "H264 1280x720, AAC 48k". */
    static String tracks(StreamInfo s) {
        List<String> parts = new ArrayList<>();
        for (StreamInfo.TrackInfo t : s.tracks()) {
            TrackConfig c = t.config();
            parts.add(c.codec() + (c.kind() == org.stateos.api.media.MediaKind.VIDEO
                    ? (c.width() > 0 ? " " + c.width() + "x" + c.height() : "")
                    : (c.sampleRate() > 0 ? " " + c.sampleRate() / 1000 + "k" : "")));
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    static String bitrate(long bps) {
        if (bps >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f Mb/s", bps / 1e6);
        }
        return String.format(Locale.ROOT, "%d kb/s", bps / 1000);
    }

    static String uptime(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
