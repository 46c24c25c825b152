package org.stateos.transcoder.internal.command;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.transcoder.internal.TranscodeInfo;
import org.stateos.transcoder.internal.TranscoderStatus;

/** transcoder:list — the transcodes: stream, state, leases, frames in/out, errors, CPU time, and why one failed. */
@Service
@Command(scope = "transcoder", name = "list", description = "Lists running transcodes: leases, frames in/out, errors, CPU time")
public final class ListCommand implements Action {
    @Reference
    TranscoderStatus status;

    @Option(name = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    public Object execute() {
        List<TranscodeInfo> all = status.transcodes();
        System.out.print(json ? json(all) : table(all));
        System.out.flush();
        return null;
    }

    public static String json(List<TranscodeInfo> all) {
        return new GsonBuilder().setPrettyPrinting().registerTypeAdapter(Instant.class,
                (JsonSerializer<Instant>) (i, t, c) -> new JsonPrimitive(i.toString())).create().toJson(all) + "\n";
    }

    /** 80 columns; a failed transcode's reason on the line below it. */
    public static String table(List<TranscodeInfo> all) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-16s %-7s %6s %8s %8s %6s %8s %5s %5s%n", "STREAM", "STATE", "LEASES", "IN", "OUT",
                "ERRORS", "CPU_MS", "LATE", "STALE"));
        for (TranscodeInfo t : all) {
            sb.append(String.format("%-16s %-7s %6d %8d %8d %6d %8d %5d %5d%n", cut(t.stream(), 16), t.state(), t.leases(),
                    t.framesIn(), t.framesOut(), t.errors(), t.cpuMillis(), t.late(), t.stale()));
            if (t.error() != null) {
                sb.append("  error: ").append(cut(t.error(), 200)).append('\n');
            }
        }
        sb.append(all.size()).append(all.size() == 1 ? " transcode\n" : " transcodes\n");
        return sb.toString();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }
}
