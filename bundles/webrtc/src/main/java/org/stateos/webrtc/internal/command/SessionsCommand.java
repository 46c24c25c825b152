package org.stateos.webrtc.internal.command;

import com.google.gson.GsonBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.webrtc.internal.session.SessionRegistry;
import org.stateos.webrtc.internal.session.WhepSession;
import org.stateos.webrtc.internal.transport.TransportService;

/** webrtc:sessions — the WHEP sessions: stream, peer, state, profile, traffic, NACKs, PLIs, uptime. */
@Service
@Command(scope = "webrtc", name = "sessions", description = "Lists WebRTC (WHEP) sessions with their traffic and feedback counts")
public final class SessionsCommand implements Action {
    @Reference
    SessionRegistry registry;

    @Reference
    TransportService transports;

    @Option(name = "--json", description = "Print JSON (all counters) instead of a table")
    boolean json;

    @Override
    public Object execute() {
        List<WhepSession.Info> sessions = registry.sessions();
        System.out.print(json ? json(sessions) : table(sessions, Instant.now()) + "UDP send: " + transports.sendMode() + "\n");
        System.out.flush();
        return null;
    }

    static String json(List<WhepSession.Info> sessions) {
        return new GsonBuilder().setPrettyPrinting().registerTypeAdapter(Instant.class,
                (com.google.gson.JsonSerializer<Instant>) (i, t, c) -> new com.google.gson.JsonPrimitive(i.toString()))
                .create().toJson(sessions) + "\n";
    }

    /** 80 columns: id (first 8 hex), stream, remote, state, profile, packets, bytes, NACKs, PLIs, uptime. */
    static String table(List<WhepSession.Info> sessions, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s %-10s %-21s %-5s %-6s %7s %7s %4s %4s %8s%n",
                "ID", "STREAM", "REMOTE", "STATE", "VIDEO", "PKTS", "BYTES", "NACK", "PLI", "UP"));
        for (WhepSession.Info s : sessions) {
            Duration up = Duration.between(s.started(), now);
            sb.append(String.format("%-8s %-10s %-21s %-5s %-6s %7s %7s %4d %4d %8s%n",
                    s.id().substring(0, 8), cut(s.stream(), 10), cut(s.remote(), 21), state(s.state()),
                    cut(s.profile().substring(s.profile().lastIndexOf(' ') + 1), 6), human(s.packetsSent()),
                    human(s.bytesSent()), s.nacks(), s.keyframeRequests(),
                    String.format("%02d:%02d:%02d", up.toHours(), up.toMinutesPart(), up.toSecondsPart())));
        }
        sb.append(sessions.size()).append(sessions.size() == 1 ? " session\n" : " sessions\n");
        return sb.toString();
    }

    private static String state(WhepSession.State s) {
        return switch (s) {
            case CONNECTING -> "conn";
            case CONNECTED -> "live";
            case CLOSED -> "done";
        };
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }

    private static String human(long v) {
        if (v < 100_000) {
            return Long.toString(v);
        }
        if (v < 100_000_000) {
            return v / 1000 + "k";
        }
        return v / 1_000_000 + "M";
    }
}
