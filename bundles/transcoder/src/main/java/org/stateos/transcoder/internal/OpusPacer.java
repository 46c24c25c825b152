package org.stateos.transcoder.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.stateos.api.media.Frame;
import org.stateos.transcoder.internal.codec.OpusPacket;

/**
 * Publishes one transcode's Opus packets at the times {@link ArrivalLine} gives them, in order, on the transcoder's
 * threads (a timer per waiting head, no thread of its own); drops the stale ones (see there). Each published packet
 * carries its due time minus the delay as its ingest time, the line the sender reports map to. Thread-safe.
 *
 * <p>With the codec worker the times come from another process that runs FFmpeg on outside bytes, so they are
 * bounded here (unbounded, 50,000 packets with an ingest time a day ahead were never stale nor due and held 195 MB):
 * a packet whose ingest or arrival time is more than {@link #FUTURE_MARGIN_MICROS} ahead of the clock is dropped, and
 * at most {@link #MAX_QUEUE} packets wait, the oldest dropped beyond that; both count as stale (dropped).
 */
final class OpusPacer {
    /** Packets waiting at most: 2.5 s of 20 ms packets, over the largest pace.delay.ms (1 s) plus a clump. */
    static final int MAX_QUEUE = 128;
    /** Times ahead of the wall clock by more than this are not the node's (frames' ingest times are its clock). */
    static final long FUTURE_MARGIN_MICROS = 1_000_000L;

    private record Due(OpusPacket packet, long dueMicros, long lineMicros) {
    }

    private final ArrivalLine line;
    private final long delayMicros;
    private final ScheduledExecutorService timer;
    private final LongSupplier wallMicros;
    private final Consumer<OpusPacket> sink;
    private final ArrayDeque<Due> queue = new ArrayDeque<>();   // guarded by this
    private Future<?> wake;                                     // guarded by this
    private boolean closed;                                     // guarded by this
    private long paced;
    private long late;
    private long stale;

    /** @param sink publishes a packet (its ingest time already on the line); called on the timer's threads or the caller's */
    OpusPacer(long delayMicros, long maxLateMicros, ScheduledExecutorService timer, LongSupplier wallMicros,
            Consumer<OpusPacket> sink) {
        this.line = new ArrivalLine(delayMicros, maxLateMicros);
        this.delayMicros = delayMicros;
        this.timer = timer;
        this.wallMicros = wallMicros;
        this.sink = sink;
    }

    /**
     * Takes the next packet of the track (packets come in media order).
     *
     * @param arrivalMicros when the input that completed it (the AAC frame just decoded) entered the node
     */
    synchronized void offer(OpusPacket p, long arrivalMicros) {
        if (closed) {
            return;
        }
        long now = wallMicros.getAsLong();
        if (p.ingestMicros() > now + FUTURE_MARGIN_MICROS || arrivalMicros > now + FUTURE_MARGIN_MICROS) {
            stale++;   // not a time of this node's: it would never be stale and be due only then (a broken worker)
            return;
        }
        long due = line.due(Frame.ticksToMicros(p.pts()), p.ingestMicros());
        if (line.stale(arrivalMicros, now)) {
            stale++;   // e.g. the stream's cached frames a starting transcode takes: old before they were decoded
            return;
        }
        if (queue.size() >= MAX_QUEUE) {
            queue.poll();
            stale++;
        }
        queue.add(new Due(p, due, due - delayMicros));
        drain(false);
    }

    /** Sends every packet that is due, then sleeps until the next one is (one timer at a time). */
    private synchronized void drain(boolean woken) {
        if (woken) {
            wake = null;
        }
        if (closed) {
            return;
        }
        long now = wallMicros.getAsLong();
        Due d;
        while ((d = queue.peek()) != null && d.dueMicros() <= now) {
            queue.poll();
            if (d.dueMicros() < now - 2_000) {
                late++;
            } else {
                paced++;
            }
            OpusPacket p = d.packet();
            sink.accept(new OpusPacket(p.data(), p.pts(), d.lineMicros()));
        }
        if (d != null && wake == null) {
            try {
                wake = timer.schedule(() -> drain(true), d.dueMicros() - now, TimeUnit.MICROSECONDS);
            } catch (RejectedExecutionException stopping) {
                queue.clear();
            }
        }
    }

    /** A new timeline: packets still waiting are sent at once (they belong to the old one), the line starts again. */
    synchronized void reset() {
        Due d;
        while ((d = queue.poll()) != null) {
            late++;
            sink.accept(new OpusPacket(d.packet().data(), d.packet().pts(), d.lineMicros()));
        }
        line.reset();
    }

    /** Drops what waits and the timer. */
    synchronized void close() {
        closed = true;
        queue.clear();
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
    }

    /**
     * Packets sent on time, late (due while the codec was still working on them), and dropped (stale, beyond
     * {@link #MAX_QUEUE}, or timed ahead of the clock).
     */
    synchronized long[] counts() {
        return new long[] {paced, late, stale};
    }
}
