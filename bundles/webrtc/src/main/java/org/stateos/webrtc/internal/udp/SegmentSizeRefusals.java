package org.stateos.webrtc.internal.udp;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Destinations whose segments the kernel refused as larger than the path's MTU ({@link SegmentedSender.SegmentAboveMtu}),
 * remembered for a while: a burst of segments at least that large to the same destination skips the segmented call,
 * which would fail again after the kernel had built the whole burst, and goes one datagram per call at once. Forgotten
 * after {@code forgetAfterNanos} (a path's MTU can grow again) and all at once when more than
 * {@value #MAX_DESTINATIONS} are held. One socket's loop only: no locks.
 */
public final class SegmentSizeRefusals {
    static final int MAX_DESTINATIONS = 1024;

    private final long forgetAfterNanos;
    private final LongSupplier nanoClock;
    // destination -> {smallest refused segment, nano time it is forgotten}
    private final Map<InetSocketAddress, long[]> refused = new HashMap<>();

    public SegmentSizeRefusals(long forgetAfterNanos) {
        this(forgetAfterNanos, System::nanoTime);
    }

    SegmentSizeRefusals(long forgetAfterNanos, LongSupplier nanoClock) {
        this.forgetAfterNanos = forgetAfterNanos;
        this.nanoClock = nanoClock;
    }

    /** Whether segments of {@code segmentBytes} to {@code to} were refused lately (so would be again). */
    public boolean refuses(InetSocketAddress to, int segmentBytes) {
        if (refused.isEmpty()) {
            return false; // the common case: one map lookup saved per burst
        }
        long[] r = refused.get(to);
        if (r == null) {
            return false;
        }
        if (nanoClock.getAsLong() - r[1] >= 0) {
            refused.remove(to);
            return false;
        }
        return segmentBytes >= r[0];
    }

    /** The kernel refused segments of {@code segmentBytes} to {@code to} as above the path's MTU. */
    public void refused(InetSocketAddress to, int segmentBytes) {
        long until = nanoClock.getAsLong() + forgetAfterNanos;
        long[] r = refused.get(to);
        if (r != null) {
            r[0] = Math.min(r[0], segmentBytes);
            r[1] = until;
            return;
        }
        if (refused.size() >= MAX_DESTINATIONS) {
            refused.clear(); // bounded; at worst each destination pays one failed call again
        }
        refused.put(to, new long[] {segmentBytes, until});
    }

    /** Destinations held now (for tests). */
    int size() {
        return refused.size();
    }
}
