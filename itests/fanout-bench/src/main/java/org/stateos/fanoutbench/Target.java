package org.stateos.fanoutbench;

import java.util.List;
import java.util.Optional;

/** A media server under test, fed the benchmark stream and pinned to the server's core. */
public interface Target extends AutoCloseable {
    /** Short name for tables: "stateos" or "janus". */
    String name();

    /** The server process whose utime + stime is measured. */
    long pid();

    /** The load client's arguments that point it at this server's stream (before --viewers). */
    List<String> clientArgs();

    /** Server-added latency over the last interval, if the server reports it. */
    Optional<Latency> latency();

    boolean isAlive();

    @Override
    void close();

    /** Server-added latency percentiles in microseconds. */
    record Latency(long count, double p50Micros, double p95Micros, double p99Micros, double maxMicros) {
    }
}
