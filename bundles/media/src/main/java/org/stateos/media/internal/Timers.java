package org.stateos.media.internal;

/** Delayed tasks: the shared event loop in the container, a manual clock in tests. */
@FunctionalInterface
public interface Timers {
    /** Runs {@code task} once after {@code delayMillis}; the returned action cancels it. */
    Runnable schedule(Runnable task, long delayMillis);
}
