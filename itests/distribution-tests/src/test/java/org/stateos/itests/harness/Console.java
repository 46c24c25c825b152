package org.stateos.itests.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Drives the ESR's local Gogo console through the process's stdin and stdout, as an operator on
 * the serial console would. Each command is followed by an echo of a marker built from a shell
 * variable, so the marker appears in the output only when the command has finished (the echoed
 * input line shows the variable's name, not its value).
 */
public final class Console {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;?0-9]*[a-zA-Z]|\u001B[=>]|\r");
    /** The console prompt: "karaf@root()> ", after the user and instance name. */
    static final String PROMPT = "@root()>";
    private final OutputStream stdin;
    private final StringBuilder transcript = new StringBuilder();
    private final Path log;
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile boolean closed;
    private int consumed;

    Console(Process process, Path log) {
        this.stdin = process.getOutputStream();
        this.log = log;
        Thread reader = new Thread(() -> pump(process.getInputStream()), "esr-console-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(InputStream out) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = out.read(buffer)) > 0) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                synchronized (transcript) {
                    transcript.append(text);
                }
                Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // The process ended; the transcript keeps what it said.
        } finally {
            closed = true;
        }
    }

    /** Runs one command and returns what it printed (ANSI escapes removed), waiting up to {@code timeout}. */
    public String run(String command, Duration timeout) {
        int n = sequence.incrementAndGet();
        String marker = "END-" + n + "-DNE";
        send(command + "\n" + "echo ${M}" + n + "-DNE\n");
        String needle = "\n" + marker;
        String all = Wait.until("console command '" + command + "' to finish", timeout, () -> {
            String text = clean(snapshot());
            int at = text.indexOf(needle, consumed);
            return at < 0 ? null : text;
        });
        int end = all.indexOf(needle, consumed);
        String output = all.substring(consumed, end);
        consumed = end + needle.length();
        return stripEcho(output, command, "echo ${M}" + n + "-DNE");
    }

    public String run(String command) {
        return run(command, Duration.ofSeconds(60));
    }

    /** Defines the marker variable; called once the console is up. */
    void prime(Duration timeout) {
        send("M = END-\n");
        run("echo ready", timeout);
    }

    public void send(String text) {
        try {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("console input closed", e);
        }
    }

    /** Closes stdin: what Ctrl-D on a serial console does. */
    public void closeInput() throws IOException {
        stdin.close();
    }

    public boolean outputClosed() {
        return closed;
    }

    public String transcript() {
        return clean(snapshot());
    }

    private String snapshot() {
        synchronized (transcript) {
            return transcript.toString();
        }
    }

    static String clean(String raw) {
        return ANSI.matcher(raw).replaceAll("");
    }

    /**
     * Drops prompt lines (they carry the echoed input), keeping what the command printed. Input typed
     * while the console is between sessions (after logout or Ctrl-D) is echoed by the terminal itself,
     * without a prompt: such bare copies of the typed lines are dropped too.
     */
    static String stripEcho(String output, String... typed) {
        StringBuilder kept = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            if (line.contains(PROMPT) || Arrays.asList(typed).contains(line.strip())) {
                continue;
            }
            kept.append(line).append('\n');
        }
        return kept.toString().strip();
    }
}
