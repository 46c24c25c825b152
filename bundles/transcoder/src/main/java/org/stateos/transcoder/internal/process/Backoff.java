package org.stateos.transcoder.internal.process;

/**
 * Restart delays of the codec worker: {@code initial}, doubling up to {@code max}; a worker that lived
 * {@code healthy} before it died starts the sequence again. Not thread-safe (the supervisor thread only).
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final long healthyMillis;
    private long next;

    Backoff(long initialMillis, long maxMillis, long healthyMillis) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.healthyMillis = healthyMillis;
        this.next = initialMillis;
    }

    /** The delay before the next start, given how long the worker that just died had run. */
    long after(long livedMillis) {
        if (livedMillis >= healthyMillis) {
            next = initialMillis;
        }
        long delay = next;
        next = Math.min(maxMillis, next * 2);
        return delay;
    }
}
