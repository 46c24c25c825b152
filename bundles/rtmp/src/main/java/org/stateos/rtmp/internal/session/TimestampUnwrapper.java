package org.stateos.rtmp.internal.session;

/**
 * Turns RTMP's 32-bit millisecond timestamps into a 64-bit timeline: each step is taken as the signed 32-bit
 * difference to the previous timestamp, so the wrap after 2^32 ms (49.7 days) continues forward and a small
 * step back stays a small step back.
 */
final class TimestampUnwrapper {
    private boolean started;
    private long lastRaw;
    private long last;

    long unwrap(long raw32) {
        raw32 &= 0xFFFFFFFFL;
        if (!started) {
            started = true;
            lastRaw = raw32;
            last = raw32;
            return last;
        }
        int step = (int) (raw32 - lastRaw);
        lastRaw = raw32;
        last += step;
        return last;
    }
}
