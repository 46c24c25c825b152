package org.stateos.fanoutbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time from /proc: a process's utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s on
 * Linux x86-64) and a core's busy time from /proc/stat. A process's own figure excludes time the kernel accounts as
 * softirq when IRQ time accounting is on; the core's figure includes everything that ran there (other processes
 * too on a shared box), so the report gives both.
 */
public final class ProcCpu {
    /** USER_HZ: fixed at 100 by the Linux ABI on x86-64 whatever the kernel's HZ. */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcCpu() {
    }

    /**
     * CPU seconds of {@code pid} and its children (threads included: /proc/PID/stat sums them); -1 when gone. The
     * children count because the node runs FFmpeg in a codec worker process (a child JVM): a live child's own
     * utime + stime, and the parent's cutime + cstime for children it already reaped (a worker that crashed).
     */
    public static double processSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return parseStat(stat) + parseChildrenStat(stat) + childrenSeconds(pid);
        } catch (IOException e) {
            return -1;
        }
    }

    /** utime + stime of the live children of {@code pid} (and their reaped children), from /proc/PID/task/T/children. */
    static double childrenSeconds(long pid) {
        double sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String children;
                try {
                    children = Files.readString(t.resolve("children")).trim();
                } catch (IOException gone) {
                    continue;
                }
                for (String c : children.isEmpty() ? new String[0] : children.split("\\s+")) {
                    try {
                        String stat = Files.readString(Path.of("/proc/" + c + "/stat"));
                        sum += parseStat(stat) + parseChildrenStat(stat);
                    } catch (IOException gone) {
                        // the child ended between the listing and the read: its time moves to the parent's cutime
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return sum;
        }
        return sum;
    }

    /** cutime + cstime (reaped children) in seconds from one /proc/PID/stat line. */
    static double parseChildrenStat(String line) {
        String[] f = fieldsFromState(line);
        // f[0] is field 3 (state): cutime is field 16 → f[13], cstime field 17 → f[14].
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
    }

    /**
     * A process's CPU split by thread name (/proc/PID/task/TID/stat, whose command field is the thread's name cut to
     * 15 characters): the transcoder's threads ({@code stateos-transco…}) plus its child processes (the codec worker
     * that runs FFmpeg), the JIT compilers ({@code C1/C2
     * CompilerThre…}) and all the rest (event loops, GC, timers). Threads that ended are missing from a later sample:
     * compare groups of long-lived threads only.
     */
    public record Threads(double transcoderSeconds, double jitSeconds, double otherSeconds) {
        public Threads minus(Threads earlier) {
            return new Threads(transcoderSeconds - earlier.transcoderSeconds, jitSeconds - earlier.jitSeconds,
                    otherSeconds - earlier.otherSeconds);
        }
    }

    /** The process's CPU by thread group in seconds; zeros when it is gone. */
    public static Threads threads(long pid) {
        double transcoder = 0;
        double jit = 0;
        double other = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String line;
                try {
                    line = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue;   // the thread ended between the listing and the read
                }
                double sec = parseStat(line);
                String name = threadName(line);
                if (name.startsWith("stateos-transco")) {
                    transcoder += sec;
                } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    jit += sec;
                } else {
                    other += sec;
                }
            }
            // The codec worker (the node's only child process) runs the transcoder's FFmpeg: its CPU is the transcoder's.
            transcoder += childrenSeconds(pid) + parseChildrenStat(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | java.io.UncheckedIOException e) {
            return new Threads(0, 0, 0);
        }
        return new Threads(transcoder, jit, other);
    }

    /** The command (thread name) between the first '(' and the last ')' of a stat line. */
    static String threadName(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        return open < 0 || close < open ? "" : line.substring(open + 1, close);
    }

    /** utime + stime in seconds from one /proc/PID/stat line; the command name may hold spaces and ')'. */
    static double parseStat(String line) {
        String[] f = fieldsFromState(line);
        // f[0] is field 3 (state): utime is field 14 → f[11], stime field 15 → f[12].
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    private static String[] fieldsFromState(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
        }
        return line.substring(close + 2).trim().split("\\s+");
    }

    /** Busy and softirq seconds of core {@code cpu} since boot, from /proc/stat. */
    public record CoreTimes(double busySeconds, double softirqSeconds, double totalSeconds) {
        public CoreTimes minus(CoreTimes earlier) {
            return new CoreTimes(busySeconds - earlier.busySeconds, softirqSeconds - earlier.softirqSeconds,
                    totalSeconds - earlier.totalSeconds);
        }
    }

    public static CoreTimes core(int cpu) {
        try {
            return parseCore(Files.readAllLines(Path.of("/proc/stat")), cpu);
        } catch (IOException e) {
            return new CoreTimes(0, 0, 0);
        }
    }

    /** {@code cpuN user nice system idle iowait irq softirq steal ...}: busy = all but idle and iowait. */
    static CoreTimes parseCore(List<String> procStat, int cpu) {
        String prefix = "cpu" + cpu + " ";
        for (String l : procStat) {
            if (l.startsWith(prefix)) {
                String[] f = l.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new CoreTimes((total - idle) / TICKS_PER_SECOND, Long.parseLong(f[7]) / TICKS_PER_SECOND,
                        total / TICKS_PER_SECOND);
            }
        }
        throw new IllegalArgumentException("no line for cpu" + cpu + " in /proc/stat");
    }
}
