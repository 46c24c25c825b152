package org.stateos.rtmp.internal.command;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.stateos.rtmp.internal.RtmpSessions;
import org.stateos.rtmp.internal.session.SessionSnapshot;

/** Formats rtmp:sessions: an 80-column table, or JSON. */
public final class SessionsReport {
    private SessionsReport() {
    }

    public static String table(RtmpSessions server) {
        List<SessionSnapshot> list = server.sessions();
        StringBuilder sb = new StringBuilder();
        sb.append("RTMP listening on ").append(server.localAddress() == null ? "(not listening)"
                : server.localAddress().getAddress().getHostAddress() + ":" + server.localAddress().getPort())
                .append(", ").append(list.size()).append(list.size() == 1 ? " session" : " sessions").append('\n');
        if (list.isEmpty()) {
            return sb.toString();
        }
        String format = "%-21s %-5s %-14s %-10s %8s %6s %8s%n";
        sb.append(String.format(Locale.ROOT, format, "REMOTE", "APP", "STREAM", "STATE", "BYTES IN", "KBIT/S",
                "UPTIME"));
        for (SessionSnapshot s : list) {
            sb.append(String.format(Locale.ROOT, format, cut(s.remote(), 21), cut(s.app(), 5), cut(s.stream(), 14),
                    s.state(), bytes(s.bytesIn()), s.bitrateBps() / 1000, uptime(s.uptime())));
        }
        return sb.toString();
    }

    public static String json(RtmpSessions server) {
        StringBuilder sb = new StringBuilder("{\"listening\":");
        sb.append(server.localAddress() == null ? "null" : quote(server.localAddress().getAddress().getHostAddress()
                + ":" + server.localAddress().getPort()));
        sb.append(",\"sessions\":[");
        boolean first = true;
        for (SessionSnapshot s : server.sessions()) {
            sb.append(first ? "" : ",").append("{\"remote\":").append(quote(s.remote()))
                    .append(",\"app\":").append(quote(s.app()))
                    .append(",\"stream\":").append(quote(s.stream()))
                    .append(",\"state\":").append(quote(s.state().name()))
                    .append(",\"bytesIn\":").append(s.bytesIn())
                    .append(",\"bitrateBps\":").append(s.bitrateBps())
                    .append(",\"uptimeSeconds\":").append(s.uptime().toSeconds())
                    .append(",\"frames\":").append(s.frames())
                    .append(",\"media\":").append(quote(s.media())).append('}');
            first = false;
        }
        return sb.append("]}\n").toString();
    }

    static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }

    static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        if (n < 10_000_000) {
            return n / 1000 + " kB";
        }
        return n / 1_000_000 + " MB";
    }

    static String uptime(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
