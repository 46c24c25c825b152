package org.stateos.webrtc.internal.rtp;

/**
 * A token bucket for one session's retransmissions: {@code perSecond} packets a second, at most one second's worth
 * at once. Bounds what a NACKing viewer can make the node send, whatever it asks for. Not thread-safe (the
 * session's event loop); time comes from the caller, so tests need no clock.
 */
public final class RetransmitBudget {
    private final long perSecond;
    /** Tokens in billionths of a packet, so a refill of less than one packet is not lost. */
    private final long capacity;
    private long tokens;
    private long lastNanos;
    private boolean started;

    public RetransmitBudget(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("retransmits per second must be >= 1, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = perSecond * 1_000_000_000L;
        this.tokens = capacity;
    }

    /** Takes one packet's worth at {@code nowNanos}; false when the budget is spent. */
    public boolean take(long nowNanos) {
        if (started) {
            long elapsed = Math.max(0, nowNanos - lastNanos);
            // elapsed * perSecond overflows only after ~292 years / perSecond: cap the gap at one second first
            tokens = Math.min(capacity, tokens + Math.min(elapsed, 1_000_000_000L) * perSecond);
        }
        started = true;
        lastNanos = nowNanos;
        if (tokens < 1_000_000_000L) {
            return false;
        }
        tokens -= 1_000_000_000L;
        return true;
    }
}
