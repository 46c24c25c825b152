package org.stateos.api.sched;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Puts the calling thread under Linux's {@code SCHED_FIFO} real-time policy.
 *
 * <p>Why: at 100 viewers the fan-out of one frame is a few ms of work on an event loop, and under the default
 * policy another thread waking on the same core (the packets' receivers, the JIT, ffmpeg) preempts it mid-burst;
 * on the 2-vCPU test box those preemptions, not the work, made the p99 of the server-added latency (16-18 ms
 * against 7.6-8.2 ms with the loops at FIFO, itests/load-client README). Media servers do the same (FreeSWITCH's
 * unit runs it round-robin real-time, Asterisk has {@code -p}). The store's log threads likewise: woken by a finished
 * fdatasync, the I/O thread waited for a core the hashing appenders held (store-bench: put/raw 0.45-0.50 at the
 * normal policy, 0.63-0.65 with the log threads at FIFO 5). Used by the threads of the node's event loop group and
 * the store log's writer and I/O threads, each at its own configured priority. The kernel's real-time throttling
 * ({@code sched_rt_runtime_us}, 95 % by default) keeps a slice of every core for the rest even if a loop spins.
 *
 * <p>How: the JDK has no call for a thread's policy, and JNA (the library for it) cannot be a bundle here: JLine
 * imports it optionally, so its arrival makes every later {@code feature:install} refresh the shell and most of
 * the container (seen in TrustGateTest). So the thread finds its kernel id in {@code /proc/thread-self} and runs
 * util-linux's {@code chrt} on it once, at its start; {@code /proc} then says whether it took. Reset-on-fork is set
 * with it, so no child process inherits the policy.
 */
public final class RealtimeScheduling {
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    public static final int MAX_PRIORITY = 99;
    private static final long CHRT_TIMEOUT_SECONDS = 5;

    /** What asking for the policy gave: {@code applied}, or why not, in words an operator can act on. */
    public record Outcome(boolean applied, String detail) {
    }

    /** The scheduling state of a thread as /proc shows it: policy (0 other, 1 FIFO, 2 RR) and real-time priority. */
    public record State(int policy, int rtPriority) {
        /** "SCHED_FIFO 10", "normal" (SCHED_OTHER), or the kernel's numbers for anything else. */
        @Override
        public String toString() {
            return policy == SCHED_FIFO ? "SCHED_FIFO " + rtPriority : policy == SCHED_OTHER ? "normal"
                    : "policy " + policy + " priority " + rtPriority;
        }
    }

    private RealtimeScheduling() {
    }

    /**
     * The priority to ask for: {@code configured}, or 0 (the normal policy) on a machine with a single processor.
     * There real-time threads leave the rest of the node (DTLS handshakes, the transcoder's reader, the JIT) only
     * what they do not use: the fan-out bench pinned to one core showed 190-240 ms stalls at one viewer with the
     * event loops at FIFO (p99 29.5 ms at the normal policy).
     */
    public static int priorityFor(int configured, int processors) {
        return configured > 0 && processors >= 2 ? configured : 0;
    }

    /**
     * Runs tasks on threads that first ask for {@code SCHED_FIFO} {@code priority} (0: run them as they are); the
     * first thread's outcome goes to {@code firstOutcome} (a log line, a status field), the others' are the same.
     */
    public static final class Asking {
        private final int priority;
        private final Consumer<Outcome> firstOutcome;
        private final AtomicBoolean told = new AtomicBoolean();

        public Asking(int priority, Consumer<Outcome> firstOutcome) {
            this.priority = priority;
            this.firstOutcome = firstOutcome;
        }

        /** {@code task}, preceded on its thread by the request for real time when the priority is above 0. */
        public Runnable wrap(Runnable task) {
            return priority <= 0 ? task : () -> {
                Outcome outcome = fifo(priority);
                if (!told.getAndSet(true)) {
                    firstOutcome.accept(outcome);
                }
                task.run();
            };
        }
    }

    /** Puts the calling thread at {@code SCHED_FIFO} {@code priority} (1-99); never throws. */
    public static Outcome fifo(int priority) {
        return fifo(priority, "chrt");
    }

    static Outcome fifo(int priority, String chrt) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            return new Outcome(false, "real-time priority " + priority + " is outside 1-" + MAX_PRIORITY);
        }
        String tid;
        try {
            tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return new Outcome(false, "no /proc/thread-self (not Linux?): " + e);
        }
        String said;
        int exit;
        try {
            // -R (SCHED_RESET_ON_FORK): a process started from this thread later runs at the normal policy.
            Process p = new ProcessBuilder(chrt, "-f", "-R", "-p", Integer.toString(priority), tid)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(CHRT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(false, chrt + " did not finish within " + CHRT_TIMEOUT_SECONDS + " s");
            }
            said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            exit = p.exitValue();
        } catch (IOException e) {
            return new Outcome(false, "cannot run " + chrt + " (util-linux): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted while asking for SCHED_FIFO");
        }
        State now;
        try {
            now = currentThread();
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "cannot read this thread's policy back from /proc: " + e);
        }
        if (now.policy() == SCHED_FIFO && now.rtPriority() == priority) {
            return new Outcome(true, "SCHED_FIFO " + priority);
        }
        if (said.contains("not permitted")) {
            return new Outcome(false, "SCHED_FIFO not permitted (needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of "
                    + priority + "); running at the normal priority");
        }
        return new Outcome(false, chrt + " exited " + exit + (said.isEmpty() ? "" : " (" + said + ")")
                + " and the thread runs at policy " + now.policy() + " priority " + now.rtPriority());
    }

    /** The calling thread's policy and priority from /proc/thread-self/stat (fields 40 and 41). */
    public static State currentThread() throws IOException {
        return parseStat(Files.readString(Path.of("/proc/thread-self/stat")));
    }

    /**
     * Policy and priority of each of this process's threads whose name starts with {@code prefix} (the kernel keeps
     * the first 15 characters of a name); empty when there are none or no /proc.
     */
    public static List<State> threadsNamed(String prefix) {
        List<State> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
                        out.add(parseStat(Files.readString(task.resolve("stat"))));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return out;
        }
        return out;
    }

    /** "2 threads, SCHED_FIFO 10", "1 thread, normal", "3 threads: 2 SCHED_FIFO 5, 1 normal", "none running". */
    public static String summary(List<State> threads) {
        if (threads.isEmpty()) {
            return "none running";
        }
        Map<String, Integer> byState = new TreeMap<>();
        threads.forEach(t -> byState.merge(t.toString(), 1, Integer::sum));
        String count = threads.size() + (threads.size() == 1 ? " thread" : " threads");
        if (byState.size() == 1) {
            return count + ", " + byState.keySet().iterator().next();
        }
        StringBuilder sb = new StringBuilder(count).append(':');
        String sep = " ";
        for (Map.Entry<String, Integer> e : byState.entrySet()) {
            sb.append(sep).append(e.getValue()).append(' ').append(e.getKey());
            sep = ", ";
        }
        return sb.toString();
    }

    /** Fields after the command name, which is in parentheses and may itself hold spaces and ')'. */
    static State parseStat(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        String[] f = stat.substring(end + 2).trim().split(" ");
        // f[0] is field 3 (state); rt_priority is field 40, policy field 41.
        if (f.length < 39) {
            throw new IllegalArgumentException("a /proc stat line with " + (f.length + 2) + " fields: " + stat);
        }
        return new State(Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3]));
    }
}
