package org.stateos.webrtc.internal.metrics;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Server-added latency of the WebRTC send path: for every video frame sent to every viewer, the wall-clock time its
 * last SRTP packet was handed to the socket minus the frame's ingest wall-clock time ({@code Frame.ingestMicros},
 * taken when the RTMP message was complete).
 *
 * <p>Writers (the session event loops, many at once) go through an HdrHistogram {@link Recorder}: wait-free, no
 * lock and no allocation on the send path. Readers (the shell, the HTTP route) take the values recorded since the
 * previous read ({@link #snapshot()}), so "interval" means "since the previous read, by anyone"; "since start"
 * means since the bundle started or the last {@link #reset()}.
 */
public final class ServerLatency {
    /** Values above one minute are clamped to it: a frame that late is a stall, not a latency. */
    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

    /** Percentiles of one histogram, in microseconds; count 0 means nothing was recorded (the rest are 0). */
    public record Figures(long count, long p50Micros, long p95Micros, long p99Micros, long maxMicros, double seconds) {
        static Figures of(Histogram h, double seconds) {
            if (h.getTotalCount() == 0) {
                return new Figures(0, 0, 0, 0, 0, seconds);
            }
            return new Figures(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                    h.getValueAtPercentile(99), h.getMaxValue(), seconds);
        }
    }

    /** Since start (or reset) and since the previous read. */
    public record Snapshot(Figures sinceStart, Figures interval) {
    }

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    // Reader side only, under this object's lock (never taken by a writer).
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private Histogram spare;
    private long startedNanos = System.nanoTime();
    private long lastReadNanos = startedNanos;

    /** Records one frame whose last packet has just been written; {@code ingestMicros} is the frame's ingest time. */
    public void frameSent(long ingestMicros) {
        recorder.recordValue(Math.max(0, Math.min(MAX_MICROS, wallMicros() - ingestMicros)));
    }

    /** Records one value directly (tests). */
    void record(long micros) {
        recorder.recordValue(Math.max(0, Math.min(MAX_MICROS, micros)));
    }

    public synchronized Snapshot snapshot() {
        long now = System.nanoTime();
        spare = recorder.getIntervalHistogram(spare);
        total.add(spare);
        Snapshot s = new Snapshot(Figures.of(total, (now - startedNanos) / 1e9), Figures.of(spare, (now - lastReadNanos) / 1e9));
        lastReadNanos = now;
        return s;
    }

    /** Forgets everything recorded so far. */
    public synchronized void reset() {
        spare = recorder.getIntervalHistogram(spare);
        total.reset();
        startedNanos = System.nanoTime();
        lastReadNanos = startedNanos;
    }

    /** Microsecond wall clock (Instant.now() is microsecond-precise on Linux; currentTimeMillis is not). */
    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** The JSON the benchmarks read: {@code {"sinceStart":{...},"interval":{...}}}. */
    public static String json(Snapshot s) {
        return "{\"sinceStart\":" + json(s.sinceStart()) + ",\"interval\":" + json(s.interval()) + "}\n";
    }

    static String json(Figures f) {
        return String.format(java.util.Locale.ROOT,
                "{\"count\":%d,\"p50Micros\":%d,\"p95Micros\":%d,\"p99Micros\":%d,\"maxMicros\":%d,\"seconds\":%.1f}",
                f.count(), f.p50Micros(), f.p95Micros(), f.p99Micros(), f.maxMicros(), f.seconds());
    }
}
