package org.stateos.media.internal.record;

import java.util.concurrent.atomic.AtomicLong;

/** Recording figures of the node, for the shell and tests. */
public interface RecordingStats {

    Snapshot recording();

    record Snapshot(boolean enabled, boolean storePresent, long fragmentsWritten, long bytesWritten,
            long fragmentsDropped, long writeFailures, long inFlight) {}

    /** Shared by every stream's recorder. */
    final class Counters {
        final AtomicLong written = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong inFlight = new AtomicLong();

        public Snapshot snapshot(boolean enabled, boolean storePresent) {
            return new Snapshot(enabled, storePresent, written.get(), bytes.get(), dropped.get(), failures.get(),
                    inFlight.get());
        }
    }
}
