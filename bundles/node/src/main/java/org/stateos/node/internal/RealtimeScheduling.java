package org.stateos.node.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Puts the calling thread under Linux's {@code SCHED_FIFO} real-time policy (libc {@code sched_setscheduler}
 * through JNA; the JDK has no call for it).
 *
 * <p>Why: at 100 viewers the fan-out of one frame is a few ms of work on an event loop, and under the default
 * policy another thread waking on the same core (the packets' receivers, the JIT, ffmpeg) preempts it mid-burst;
 * on the 2-vCPU test box those preemptions, not the work, made the p99 of the server-added latency (16-18 ms
 * against 7.6-8.0 ms with the loops at FIFO, itests/load-client README). Media servers do the same (FreeSWITCH's
 * unit runs it round-robin real-time, Asterisk has {@code -p}). The kernel's real-time throttling
 * ({@code sched_rt_runtime_us}, 95 % by default) keeps a core for the rest even if a loop spins.
 */
final class RealtimeScheduling {
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;
    static final int MAX_PRIORITY = 99;

    private static final int EPERM = 1;
    private static final int EINVAL = 22;

    /** What asking for the policy gave: {@code applied}, or why not, in words an operator can act on. */
    record Outcome(boolean applied, String detail) {
    }

    /** The scheduling state of a thread as /proc shows it: policy (0 other, 1 FIFO, 2 RR) and real-time priority. */
    record State(int policy, int rtPriority) {
    }

    private RealtimeScheduling() {
    }

    /** Puts the calling thread at {@code SCHED_FIFO} {@code priority} (1-99); never throws. */
    static Outcome fifo(int priority) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            return new Outcome(false, "real-time priority " + priority + " is outside 1-" + MAX_PRIORITY);
        }
        try {
            // pid 0: the calling thread (on Linux the call takes a thread id).
            LibC.INSTANCE.sched_setscheduler(0, SCHED_FIFO, new int[] {priority});
            return new Outcome(true, "SCHED_FIFO " + priority);
        } catch (LastErrorException e) {
            return new Outcome(false, switch (e.getErrorCode()) {
                case EPERM -> "SCHED_FIFO not permitted (needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of " + priority
                        + "); running at the normal priority";
                case EINVAL -> "SCHED_FIFO " + priority + " refused by the kernel (EINVAL)";
                default -> "sched_setscheduler failed with errno " + e.getErrorCode();
            });
        } catch (LinkageError | RuntimeException e) {
            // no JNA native for this platform, or not Linux
            return new Outcome(false, "real-time scheduling unavailable here: " + e);
        }
    }

    /** The calling thread's policy and priority from /proc/thread-self/stat (fields 40 and 41). */
    static State currentThread() throws IOException {
        return parseStat(Files.readString(Path.of("/proc/thread-self/stat")));
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

    /** libc, loaded on first use (so a node without JNA's native still starts: {@link #fifo} reports it). */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        /** {@code param} points at a struct sched_param, whose only field is the int priority. */
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    }
}
