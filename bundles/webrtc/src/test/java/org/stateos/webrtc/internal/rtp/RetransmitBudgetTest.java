package org.stateos.webrtc.internal.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetransmitBudgetTest {
    private static final long MS = 1_000_000L;

    @Test
    void givesOneSecondsWorthAtOnceThenRefillsAtTheRate() {
        RetransmitBudget b = new RetransmitBudget(100);
        long t = 123_456_789L;
        int granted = 0;
        for (int i = 0; i < 1000; i++) {
            granted += b.take(t) ? 1 : 0;
        }
        assertEquals(100, granted, "a burst of one second's worth");
        assertFalse(b.take(t + 9 * MS), "9 ms refill less than one packet at 100/s");
        assertTrue(b.take(t + 10 * MS), "10 ms refills one");
        granted = 0;
        for (int i = 0; i < 1000; i++) {
            granted += b.take(t + 10_000 * MS) ? 1 : 0;
        }
        assertEquals(100, granted, "a long quiet time refills no more than the capacity");
    }

    @Test
    void refusesANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new RetransmitBudget(0));
    }

    @Test
    void aPacketIsResentAtMostOncePerGap() {
        RetransmitBuffer buf = new RetransmitBuffer(16, 1000);
        long t = -5_000 * MS; // nanoTime may be negative
        buf.store(7, null, 0, 0, t);
        assertFalse(buf.resentRecently(7, t), "never resent");
        buf.resent(7, t);
        assertTrue(buf.resentRecently(7, t + (RetransmitBuffer.MIN_RESEND_GAP_MS - 1) * MS));
        assertFalse(buf.resentRecently(7, t + (RetransmitBuffer.MIN_RESEND_GAP_MS + 1) * MS));
        buf.store(23, null, 0, 0, t + MS); // same slot, a new packet: not resent yet
        assertFalse(buf.resentRecently(23, t + 2 * MS));
    }
}
