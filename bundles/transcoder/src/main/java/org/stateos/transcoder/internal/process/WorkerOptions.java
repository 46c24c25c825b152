package org.stateos.transcoder.internal.process;

import java.util.List;

/**
 * How the codec worker is run and supervised.
 *
 * @param jvmOptions          the worker JVM's own options (heap, GC, JIT), from the configuration; only those on
 *                            {@link JvmOptionAllowList} with a valid value
 * @param restartInitialMillis first restart delay, doubling per crash up to {@code restartMaxMillis}
 * @param healthyMillis       a worker that ran this long before dying restarts after the initial delay again
 * @param stallMillis         a write to the worker blocked this long (its input pipe full: it stopped reading)
 *                            kills it as hung
 * @param maxCrashes          a pipeline open in this many workers in a row that each died before being healthy is
 *                            failed (a stream whose input crashes FFmpeg must not silence the others for good)
 * @param startMillis         a worker that has not said READY this long after its JVM started is killed as hung in
 *                            its start, a young death for every pipeline waiting for it
 */
public record WorkerOptions(List<String> jvmOptions, long restartInitialMillis, long restartMaxMillis,
        long healthyMillis, long stallMillis, int maxCrashes, long startMillis) {

    public static final List<String> DEFAULT_JVM = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** READY comes 0.3-1 s after the JVM starts (seconds on a loaded box): 30 s is a hang, not a slow start. */
    public static final long DEFAULT_START_MILLIS = 30_000;

    public WorkerOptions {
        jvmOptions = List.copyOf(jvmOptions);
        if (restartInitialMillis < 1 || restartMaxMillis < restartInitialMillis || healthyMillis < 1
                || stallMillis < 100 || maxCrashes < 1 || startMillis < 1_000) {
            throw new IllegalArgumentException("worker restart delays need 1 <= initial <= max, healthy >= 1 ms, "
                    + "stall >= 100 ms, max crashes >= 1, start >= 1000 ms");
        }
        for (String o : jvmOptions) {
            JvmOptionAllowList.check(o);
        }
    }

    /** Splits the configured option string on white space. */
    public static List<String> parse(String options) {
        String t = options == null ? "" : options.trim();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
