package org.stateos.store.internal;

import java.util.function.LongSupplier;

import org.stateos.store.Hlc;

/**
 * A hybrid logical clock (Kulkarni et al.): never goes backwards, stays close to the wall clock, and moves past
 * every remote clock it observes, so a head written after seeing another orders after it. A remote clock more
 * than {@code maxSkewMillis} ahead of our wall clock is followed only up to that bound, so one peer with a
 * wrong clock cannot drag every node into the future; its head is still kept.
 */
final class HybridClock {
    private final LongSupplier wall;
    private final long maxSkewMillis;
    private long last;   // packed Hlc

    HybridClock(LongSupplier wallMillis, long maxSkewMillis) {
        this.wall = wallMillis;
        this.maxSkewMillis = maxSkewMillis;
    }

    /** A new clock value for a local event, greater than every value returned or observed before. */
    synchronized Hlc now() {
        long physical = Math.min(Math.max(wall.getAsLong(), 0), Hlc.MAX_WALL);
        long lw = last >>> 16;
        int lc = (int) (last & 0xFFFF);
        if (physical > lw) {
            last = physical << 16;
        } else {
            last = advance(lw, lc);
        }
        return Hlc.unpack(last);
    }

    /** Merges a remote clock value; returns true when it was followed only up to the skew bound. */
    synchronized boolean observe(Hlc remote) {
        long physical = Math.min(Math.max(wall.getAsLong(), 0), Hlc.MAX_WALL);
        long bound = Math.min(Hlc.MAX_WALL, physical + maxSkewMillis);
        boolean clipped = remote.wallMillis() > bound;
        long rw = Math.min(remote.wallMillis(), bound);
        int rc = clipped ? 0 : remote.counter();
        long lw = last >>> 16;
        int lc = (int) (last & 0xFFFF);
        long w = Math.max(Math.max(lw, rw), physical);
        if (w == lw && w == rw) {
            last = advance(w, Math.max(lc, rc));
        } else if (w == lw) {
            last = advance(w, lc);
        } else if (w == rw) {
            last = advance(w, rc);
        } else {
            last = w << 16;
        }
        return clipped;
    }

    synchronized Hlc current() {
        return Hlc.unpack(last);
    }

    /** Counter + 1; when the 16-bit counter is exhausted the clock moves one millisecond ahead. */
    private static long advance(long wallMillis, int counter) {
        if (counter < Hlc.MAX_COUNTER) {
            return wallMillis << 16 | (counter + 1);
        }
        return (wallMillis + 1) << 16;
    }
}
