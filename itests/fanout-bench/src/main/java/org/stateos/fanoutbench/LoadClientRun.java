package org.stateos.fanoutbench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of itests/load-client as a child process pinned to the client's core. Its stderr markers (the steady
 * window's start and end) call back into the driver, which samples the server's CPU at the same moments.
 */
public final class LoadClientRun {
    static final String STEADY_START = "load-client: steady window start";
    static final String STEADY_END = "load-client: steady window end";

    /** Called on the stderr reader thread at each marker. */
    public interface Window {
        void start();

        void end();
    }

    private LoadClientRun() {
    }

    /** Runs the client with {@code args} after the jar; returns its JSON report (null when it printed none). */
    public static JsonObject run(Path jar, int core, List<String> args, Window window, Path log, double timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core), "java", "-Xms256m",
                "-Xmx1g", "-XX:+UseParallelGC", "-jar", jar.toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("--report", "json"));
        Process p = new ProcessBuilder(cmd).start();
        Thread errors = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
                    var out = Files.newBufferedWriter(log)) {
                for (String line; (line = r.readLine()) != null;) {
                    if (line.equals(STEADY_START)) {
                        window.start();
                    } else if (line.equals(STEADY_END)) {
                        window.end();
                    }
                    out.write(line);
                    out.newLine();
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "load-client-stderr");
        errors.start();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor((long) timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        errors.join(5000);
        String text = new String(stdout, StandardCharsets.UTF_8);
        Files.writeString(log.resolveSibling(log.getFileName() + ".json"), text);
        int brace = text.indexOf('{');
        return brace < 0 ? null : JsonParser.parseString(text.substring(brace)).getAsJsonObject();
    }
}
