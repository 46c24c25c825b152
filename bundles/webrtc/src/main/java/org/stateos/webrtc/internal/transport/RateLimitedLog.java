package org.stateos.webrtc.internal.transport;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs dropped input at most once per interval, with a count of what was suppressed, so a flood of bad
 * datagrams cannot flood the log. Synchronized: every socket's loop drops (rarely).
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private long nextAllowed;
    private long suppressed;
    private long total;

    RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
        this.nextAllowed = System.nanoTime();
    }

    synchronized void drop(String reason, Object from) {
        total++;
        long now = System.nanoTime();
        if (now - nextAllowed >= 0) {
            if (suppressed > 0) {
                log.info("WebRTC UDP: dropped datagram from {}: {} ({} more dropped since the last message)", from, reason, suppressed);
            } else {
                log.info("WebRTC UDP: dropped datagram from {}: {}", from, reason);
            }
            suppressed = 0;
            nextAllowed = now + intervalNanos;
        } else {
            suppressed++;
        }
    }

    synchronized long total() {
        return total;
    }
}
