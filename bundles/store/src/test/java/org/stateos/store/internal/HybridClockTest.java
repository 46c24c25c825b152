package org.stateos.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.stateos.store.Hlc;

class HybridClockTest {
    private final AtomicLong wall = new AtomicLong(1000);
    private final HybridClock clock = new HybridClock(wall::get, 60_000);

    @Test
    void followsWallClockAndCountsWithinAMillisecond() {
        assertEquals(new Hlc(1000, 0), clock.now());
        assertEquals(new Hlc(1000, 1), clock.now());
        wall.set(1001);
        assertEquals(new Hlc(1001, 0), clock.now());
        wall.set(500);   // wall clock steps back: the HLC does not
        assertEquals(new Hlc(1001, 1), clock.now());
    }

    @Test
    void counterOverflowMovesToNextMillisecond() {
        for (int i = 0; i <= Hlc.MAX_COUNTER; i++) {
            clock.now();
        }
        assertEquals(new Hlc(1001, 0), clock.now());
    }

    @Test
    void mergesRemoteClocksAheadAndClipsFarFuture() {
        assertFalse(clock.observe(new Hlc(5000, 7)));
        assertEquals(new Hlc(5000, 9), clock.now());   // observe advanced to (5000, 8)
        assertTrue(clock.observe(new Hlc(10_000_000, 0)));
        assertTrue(clock.now().wallMillis() <= 1000 + 60_000);
    }
}
