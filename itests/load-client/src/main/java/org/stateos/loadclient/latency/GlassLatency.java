package org.stateos.loadclient.latency;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Glass-to-glass latency as the load client sees it: per stamped access unit, the arrival of its last RTP packet
 * minus the publisher's stamp. Each viewer's first {@link #WARMUP_MICROS} (counted from its first stamped access
 * unit) are left out: catch-up frames from the GOP cache are old on purpose. Figures per viewer and over all;
 * optionally one line per access unit to a log (for the hour-long drift run). Called from the reactor threads.
 */
public final class GlassLatency {
    public static final long WARMUP_MICROS = 3_000_000;
    static final long MAX_MICROS = 600_000_000;

    /** p50/p95/p99/max in milliseconds over {@code count} access units. */
    public record Figures(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
        static Figures of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Figures(0, 0, 0, 0, 0);
            }
            return new Figures(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }

        String json() {
            return String.format(Locale.ROOT, "{\"count\": %d, \"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}",
                    count, p50Ms, p95Ms, p99Ms, maxMs);
        }
    }

    private final List<Histogram> viewers = new ArrayList<>();
    private final List<Long> firstStamp = new ArrayList<>();
    private final Histogram all = new Histogram(MAX_MICROS, 3);
    private final PrintWriter log;
    private long logSecond = -1;

    /** @param logFile where to write one line per access unit (viewer arrival_epoch_ms latency_ms), or null */
    public GlassLatency(Path logFile) {
        try {
            this.log = logFile == null ? null : new PrintWriter(Files.newBufferedWriter(logFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (log != null) {
            log.println("# viewer arrival_epoch_ms latency_ms   (one line per stamped access unit after the first 3 s;"
                    + " latency = arrival of its last RTP packet - publisher stamp)");
        }
    }

    /** A reader for viewer {@code index} whose stamped access units land here. */
    public synchronized SeiStampReader reader(int index) {
        while (viewers.size() <= index) {
            viewers.add(new Histogram(MAX_MICROS, 3));
            firstStamp.add(-1L);
        }
        return new SeiStampReader((stamp, arrival) -> record(index, stamp, arrival), StampSei::wallMicros);
    }

    synchronized void record(int index, long stampMicros, long arrivalMicros) {
        if (firstStamp.get(index) < 0) {
            firstStamp.set(index, arrivalMicros);
        }
        if (arrivalMicros - firstStamp.get(index) < WARMUP_MICROS) {
            return;
        }
        long v = Math.max(0, Math.min(MAX_MICROS, arrivalMicros - stampMicros));
        viewers.get(index).recordValue(v);
        all.recordValue(v);
        if (log != null) {
            log.printf(Locale.ROOT, "%d %d %.3f%n", index, arrivalMicros / 1000, v / 1000.0);
            long s = arrivalMicros / 1_000_000;
            if (s != logSecond) {
                log.flush(); // once a second: a killed run keeps all but the last second
                logSecond = s;
            }
        }
    }

    public synchronized Figures total() {
        return Figures.of(all);
    }

    public synchronized List<Figures> perViewer() {
        List<Figures> out = new ArrayList<>();
        for (Histogram h : viewers) {
            out.add(Figures.of(h));
        }
        return out;
    }

    public synchronized void close() {
        if (log != null) {
            log.close();
        }
    }

    /** Text lines for the report. */
    public String text() {
        StringBuilder s = new StringBuilder();
        List<Figures> per = perViewer();
        Figures t = total();
        s.append(String.format(Locale.ROOT, "glass-to-glass latency (stamp -> last RTP packet, after the first 3 s):%n"));
        if (per.size() <= 20) {
            for (int i = 0; i < per.size(); i++) {
                s.append(line("viewer " + i, per.get(i)));
            }
        }
        s.append(line("all", t));
        return s.toString();
    }

    private static String line(String name, Figures f) {
        return String.format(Locale.ROOT, "  %-10s %7d AUs  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n", name,
                f.count(), f.p50Ms(), f.p95Ms(), f.p99Ms(), f.maxMs());
    }

    /** {@code report} (a JSON object) with a {@code "glass_to_glass"} member added: total and per viewer. */
    public String addTo(String report) {
        int end = report.lastIndexOf('}');
        if (end < 0) {
            return report;
        }
        StringBuilder s = new StringBuilder(report.substring(0, end).stripTrailing());
        s.append(",\n  \"glass_to_glass\": {\"total\": ").append(total().json()).append(", \"viewers\": [");
        List<Figures> per = perViewer();
        for (int i = 0; i < per.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(per.get(i).json());
        }
        return s.append("]}\n}\n").toString();
    }
}
