package org.stateos.webrtc.internal.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SegmentSizeRefusalsTest {
    private long now = 1_000;
    private final SegmentSizeRefusals refusals = new SegmentSizeRefusals(60, () -> now);
    private final InetSocketAddress viewer = new InetSocketAddress("192.0.2.7", 50_000);
    private final InetSocketAddress other = new InetSocketAddress("192.0.2.8", 50_000);

    @Test
    void aRefusedSizeAndLargerAreRefusedToThatDestinationOnly() {
        assertFalse(refusals.refuses(viewer, 1228));
        refusals.refused(viewer, 1228);
        assertTrue(refusals.refuses(viewer, 1228));
        assertTrue(refusals.refuses(viewer, 1400));
        assertFalse(refusals.refuses(viewer, 928), "smaller segments may fit the path");
        assertFalse(refusals.refuses(other, 1228));
    }

    @Test
    void theSmallestRefusedSizeCountsAndEachRefusalRenewsTheTime() {
        refusals.refused(viewer, 1400);
        now += 50;
        refusals.refused(viewer, 1228);
        assertTrue(refusals.refuses(viewer, 1300));
        now += 50; // 100 after the first refusal, 50 after the second
        assertTrue(refusals.refuses(viewer, 1228));
    }

    @Test
    void aRefusalIsForgottenAfterItsTime() {
        refusals.refused(viewer, 1228);
        now += 59;
        assertTrue(refusals.refuses(viewer, 1228));
        now += 1;
        assertFalse(refusals.refuses(viewer, 1228), "the path's MTU may have grown: try again");
        assertEquals(0, refusals.size());
    }

    @Test
    void atMostMaxDestinationsAreHeld() {
        for (int i = 0; i < SegmentSizeRefusals.MAX_DESTINATIONS + 10; i++) {
            refusals.refused(new InetSocketAddress("198.51.100.1", 1024 + i), 1228);
        }
        assertTrue(refusals.size() <= SegmentSizeRefusals.MAX_DESTINATIONS, String.valueOf(refusals.size()));
    }
}
