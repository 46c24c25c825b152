package org.stateos.media.internal.registry;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Frame;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;

/**
 * One viewer's bounded queue, drained on the executor it gave, one callback at a time, in order.
 *
 * <p>The publisher's thread only enqueues (under this queue's short lock) and, when the queue was idle, hands
 * one drain task to the executor. When a frame would overflow the queue, the queued frames are released and
 * counted as dropped, and the viewer skips to the next resume point (a video keyframe; any frame of an
 * audio-only stream); the first frame of each track after that carries {@link Frame#DISCONTINUITY}. Track
 * configurations and signals in the queue are kept, so the viewer never sees a frame before its configuration.
 */
public final class SubscriberQueue implements Subscription, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriberQueue.class);
    /** Callbacks per drain task before it yields the executor (an event loop shared with other work). */
    private static final int BATCH = 64;
    private static final int ALL_TRACKS = 0xFFFF;
    private static final Object PUBLISHER_GONE = new Object();

    private final Stream stream;
    private final StreamSubscriber subscriber;
    private final Executor executor;
    private final int maxFrames;
    private final long maxBytes;
    private final AtomicLong streamDropped;

    // Guarded by this.
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int queuedFrames;
    private long queuedBytes;
    private boolean skipping;
    private int discontinuityTracks;
    private boolean scheduled;
    private String endReason;
    private boolean endDelivered;
    private long dropped;

    SubscriberQueue(Stream stream, StreamSubscriber subscriber, Executor executor, int maxFrames, long maxBytes,
            AtomicLong streamDropped) {
        this.stream = stream;
        this.subscriber = subscriber;
        this.executor = executor;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.streamDropped = streamDropped;
    }

    /** A viewer that joins without a cached GOP starts at the next resume point. */
    synchronized void startSkipping() {
        skipping = true;
    }

    void offerTrack(TrackConfig config) {
        enqueue(config);
    }

    void offerPublisherGone() {
        enqueue(PUBLISHER_GONE);
    }

    /** The next frame of each track after this carries {@link Frame#DISCONTINUITY} (a new publisher). */
    synchronized void markDiscontinuity() {
        discontinuityTracks = ALL_TRACKS;
    }

    private void enqueue(Object event) {
        synchronized (this) {
            if (endReason != null) {
                return;
            }
            queue.add(event);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        execute();
    }

    /**
     * Queues the viewer's own reference to {@code frame} (the caller keeps its own). Never blocks beyond this
     * queue's lock; never calls the subscriber.
     *
     * @param resumePoint whether a skipping viewer may start at this frame
     * @param backlog     part of a new viewer's GOP burst: not counted against the queue's bounds
     */
    void offerFrame(Frame frame, boolean resumePoint, boolean backlog) {
        synchronized (this) {
            if (endReason != null) {
                return;
            }
            if (skipping && !resumePoint) {
                countDropped(1);
                return;
            }
            skipping = false;
            if (!backlog && (queuedFrames + 1 > maxFrames || queuedBytes + frame.size() > maxBytes)) {
                countDropped(dropQueuedFrames());
                discontinuityTracks = ALL_TRACKS;
                if (!resumePoint) {
                    skipping = true;
                    countDropped(1);
                    return;
                }
            }
            int bit = 1 << frame.track();
            Frame own;
            if ((discontinuityTracks & bit) != 0) {
                discontinuityTracks &= ~bit;
                own = frame.withFlags(frame.flags() | Frame.DISCONTINUITY);
            } else {
                own = frame.retainedDuplicate();
            }
            queue.add(own);
            queuedFrames++;
            queuedBytes += own.size();
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        execute();
    }

    private int dropQueuedFrames() {
        int n = 0;
        for (Iterator<Object> it = queue.iterator(); it.hasNext();) {
            if (it.next() instanceof Frame f) {
                it.remove();
                f.release();
                n++;
            }
        }
        queuedFrames = 0;
        queuedBytes = 0;
        return n;
    }

    private void countDropped(long n) {
        dropped += n;
        streamDropped.addAndGet(n);
    }

    private void execute() {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            // The viewer's executor is shutting down: nobody can be called back any more.
            synchronized (this) {
                endReason = endReason == null ? "its executor refused work" : endReason;
                endDelivered = true;
                dropQueuedFrames();
                queue.clear();
                scheduled = false;
            }
            stream.detach(this);
        }
    }

    /** Ends the subscription: queued frames are released, {@link StreamSubscriber#onEnd} follows once. */
    void end(String reason) {
        synchronized (this) {
            if (endReason != null) {
                return;
            }
            endReason = reason;
            dropQueuedFrames();
            queue.clear();
            if (scheduled) {
                return;   // the running drain delivers onEnd
            }
            scheduled = true;
        }
        execute();
    }

    /** The drain task: runs on the viewer's executor, never concurrently with itself. */
    @Override
    public void run() {
        for (int i = 0; i < BATCH; i++) {
            Object event;
            String reason = null;
            synchronized (this) {
                if (endReason != null) {
                    if (endDelivered) {
                        scheduled = false;
                        return;
                    }
                    endDelivered = true;
                    reason = endReason;
                    event = null;
                } else {
                    event = queue.poll();
                    if (event == null) {
                        scheduled = false;
                        return;
                    }
                    if (event instanceof Frame f) {
                        queuedFrames--;
                        queuedBytes -= f.size();
                    }
                }
            }
            if (reason != null) {
                deliverEnd(reason);
                synchronized (this) {
                    scheduled = false;
                }
                return;
            }
            deliver(event);
        }
        try {
            executor.execute(this);   // more to do: yield to the executor's other work first
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                endReason = endReason == null ? "its executor refused work" : endReason;
                endDelivered = true;
                dropQueuedFrames();
                queue.clear();
                scheduled = false;
            }
            stream.detach(this);
        }
    }

    private void deliver(Object event) {
        try {
            if (event instanceof Frame f) {
                subscriber.onFrame(f);
            } else if (event instanceof TrackConfig c) {
                subscriber.onTrack(c);
            } else if (event == PUBLISHER_GONE) {
                subscriber.onPublisherGone();
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("viewer {} of stream '{}' failed and is detached: {}", subscriber, stream.name(), e.toString(), e);
            stream.detach(this);
            end("subscriber failed: " + e);
        }
    }

    private void deliverEnd(String reason) {
        try {
            subscriber.onEnd(reason);
        } catch (RuntimeException e) {
            LOG.warn("viewer {} of stream '{}' failed in onEnd: {}", subscriber, stream.name(), e.toString());
        }
    }

    @Override
    public String streamName() {
        return stream.name();
    }

    @Override
    public synchronized long droppedFrames() {
        return dropped;
    }

    @Override
    public synchronized int queuedFrames() {
        return queuedFrames;
    }

    @Override
    public void close() {
        stream.detach(this);
        end("closed by the subscriber");
    }

    @Override
    public String toString() {
        return "Subscription[" + stream.name() + ", " + subscriber + "]";
    }
}
