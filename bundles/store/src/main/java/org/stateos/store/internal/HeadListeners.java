package org.stateos.store.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.store.HeadChange;
import org.stateos.store.HeadListener;
import org.stateos.store.ObjectId;
import org.stateos.store.Registration;

/**
 * Head listeners, per object or global, called on one listener thread of their own, never on the thread that
 * made the change durable (that is the engine's I/O thread: a slow listener there would delay every later
 * batch of every writer). Outlives a store:format (the component keeps it).
 *
 * <p>One thread and one FIFO queue: changes reach listeners in the order they were committed, so each object's
 * changes arrive in order. The queue is bounded ({@code queueBound} changes): when listeners fall that far
 * behind, further changes are dropped for listeners (the heads themselves are durable; a listener that must not
 * miss a change reads {@code heads(object)} when it sees a gap between one change's {@code after} and the next
 * one's {@code before}) and a warning names the count. A listener call slower than {@code slowMillis} is
 * logged with its duration and the queue length behind it; a listener that throws is logged and the others
 * still run.
 */
final class HeadListeners implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeadListeners.class);
    static final int DEFAULT_QUEUE_BOUND = 10_000;
    static final long DEFAULT_SLOW_MILLIS = 1000;

    private record Entry(ObjectId object, HeadListener listener) {}

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor thread;
    private final long slowNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong slowCalls = new AtomicLong();

    HeadListeners() {
        this(DEFAULT_QUEUE_BOUND, DEFAULT_SLOW_MILLIS);
    }

    HeadListeners(int queueBound, long slowMillis) {
        this.slowNanos = TimeUnit.MILLISECONDS.toNanos(slowMillis);
        // One thread (order), started on the first change and ended after 30 s idle, so an unused store (and a
        // test that never closes this) keeps no thread; close() ends it for good.
        this.thread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueBound), r -> {
            Thread t = new Thread(r, "stateos-store-head-listeners");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.thread.allowCoreThreadTimeOut(true);
    }

    /** {@code object == null}: every object. */
    Registration add(ObjectId object, HeadListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        Entry e = new Entry(object, listener);
        entries.add(e);
        return () -> entries.remove(e);
    }

    /** Queues the change for the listener thread and returns at once; never blocks the caller. */
    void fire(HeadChange change) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            thread.execute(() -> deliver(change));
        } catch (RejectedExecutionException e) {
            if (thread.isShutdown()) {
                return; // closed: nobody listens any more
            }
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("head listeners are {} changes behind (queue full): change of {} not delivered to listeners,"
                        + " {} dropped so far; a listener is too slow (see the slow-listener warnings)",
                        thread.getQueue().size(), change.object(), n);
            }
        }
    }

    private void deliver(HeadChange change) {
        for (Entry e : entries) {
            if (e.object() != null && !e.object().equals(change.object())) {
                continue;
            }
            long t0 = System.nanoTime();
            try {
                e.listener().headsChanged(change);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                LOG.warn("head listener {} failed on {}: {}", e.listener(), change.object(), t.toString(), t);
            }
            long took = System.nanoTime() - t0;
            if (took >= slowNanos) {
                slowCalls.incrementAndGet();
                LOG.warn("head listener {} took {} ms on a change of {}; {} changes are queued behind it",
                        e.listener(), took / 1_000_000, change.object(), thread.getQueue().size());
            }
        }
    }

    int size() {
        return entries.size();
    }

    /** Changes not delivered because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /** Listener calls that took longer than the slow threshold. */
    long slowCalls() {
        return slowCalls.get();
    }

    /** Stops the listener thread; changes still queued are not delivered. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
