package org.stateos.webrtc.internal.command;

import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.webrtc.internal.metrics.ServerLatency;
import org.stateos.webrtc.internal.session.SessionRegistry;

/** webrtc:latency — server-added latency (RTMP ingest to last SRTP packet out), per frame per viewer. */
@Service
@Command(scope = "webrtc", name = "latency",
        description = "Server-added latency per frame and viewer (ingest to last SRTP packet written): p50/p95/p99/max")
public final class LatencyCommand implements Action {
    @Reference
    SessionRegistry registry;

    @Option(name = "--json", description = "Print the JSON that GET /api/webrtc/latency answers")
    boolean json;

    @Option(name = "--reset", description = "Forget everything recorded so far (after printing it)")
    boolean reset;

    @Override
    public Object execute() {
        ServerLatency latency = registry.latency();
        ServerLatency.Snapshot s = latency.snapshot();
        System.out.print(json ? ServerLatency.json(s) : table(s));
        if (reset) {
            latency.reset();
            System.out.println("reset");
        }
        System.out.flush();
        return null;
    }

    /** Two rows, milliseconds with 0.01 ms resolution, 80 columns. */
    static String table(ServerLatency.Snapshot s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s %9s %9s %9s %9s %9s %9s%n",
                "WINDOW", "SECONDS", "FRAMES", "P50_MS", "P95_MS", "P99_MS", "MAX_MS"));
        row(sb, "since start", s.sinceStart());
        row(sb, "interval", s.interval());
        sb.append("interval = since the previous read; frames = video frames x viewers\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, ServerLatency.Figures f) {
        sb.append(String.format(Locale.ROOT, "%-12s %9.1f %9d %9.2f %9.2f %9.2f %9.2f%n", name, f.seconds(), f.count(),
                f.p50Micros() / 1000.0, f.p95Micros() / 1000.0, f.p99Micros() / 1000.0, f.maxMicros() / 1000.0));
    }
}
