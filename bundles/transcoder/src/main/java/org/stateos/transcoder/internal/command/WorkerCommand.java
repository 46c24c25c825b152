package org.stateos.transcoder.internal.command;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.transcoder.internal.TranscoderStatus;
import org.stateos.transcoder.internal.process.WorkerInfo;

/** transcoder:worker — the codec worker process: pid, state, uptime, restarts, last exit, CPU, memory, frames. */
@Service
@Command(scope = "transcoder", name = "worker", description = "Shows the codec worker process: pid, state, uptime, restarts, last exit cause, CPU, frames in/out")
public final class WorkerCommand implements Action {
    @Reference
    TranscoderStatus status;

    @Option(name = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    public Object execute() {
        Optional<WorkerInfo> w = status.worker();
        System.out.print(w.isEmpty() ? "no codec worker: isolation = in-process (FFmpeg runs inside the node)\n"
                : json ? json(w.get()) : table(w.get(), Instant.now()));
        System.out.flush();
        return null;
    }

    public static String json(WorkerInfo w) {
        return new GsonBuilder().setPrettyPrinting().serializeNulls().registerTypeAdapter(Instant.class,
                (JsonSerializer<Instant>) (i, t, c) -> new JsonPrimitive(i.toString())).create().toJson(w) + "\n";
    }

    /** 80 columns; the last exit's cause on its own line. */
    public static String table(WorkerInfo w, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s %-10s %8s %8s %7s %6s %8s %8s %5s%n", "PID", "STATE", "UPTIME_S", "RESTARTS",
                "CPU_S", "RSS_MB", "IN", "OUT", "OPEN"));
        sb.append(String.format("%-8s %-10s %8s %8d %7s %6s %8d %8d %5d%n", w.pid() < 0 ? "-" : Long.toString(w.pid()),
                w.state(), w.since() == null ? "-" : Long.toString(Duration.between(w.since(), now).toSeconds()),
                w.restarts(), w.cpuMillis() < 0 ? "-" : String.format("%.1f", w.cpuMillis() / 1000.0),
                w.rssKb() < 0 ? "-" : Long.toString(w.rssKb() / 1024), w.framesIn(), w.framesOut(), w.pipelines()));
        sb.append("dropped (no worker or queue full): ").append(w.dropped()).append('\n');
        sb.append("last exit: ").append(w.lastExit() == null ? "-" : w.lastExit()).append('\n');
        return sb.toString();
    }
}
