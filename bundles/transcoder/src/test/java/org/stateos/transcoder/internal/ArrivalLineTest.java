package org.stateos.transcoder.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArrivalLineTest {
    static final long T0 = 1_700_000_000_000_000L;

    @Test
    void packetsOfAClumpAreDueTwentyMillisecondsApartOnTheEarliestArrival() {
        // A clump is packets held back and released together: the first of it is the latest for its media time.
        ArrivalLine line = new ArrivalLine(40_000, 200_000);
        assertEquals(T0 + 40_000, line.due(0, T0));
        // Three packets that arrived together 60 ms late (an interleaving publisher): due on the line, not at arrival.
        assertEquals(T0 + 20_000 + 40_000, line.due(20_000, T0 + 60_000));
        assertEquals(T0 + 40_000 + 40_000, line.due(40_000, T0 + 60_000));
        assertEquals(T0 + 60_000 + 40_000, line.due(60_000, T0 + 60_000));
    }

    @Test
    void anEarlierPacketMovesTheLineEarlier() {
        ArrivalLine line = new ArrivalLine(0, 200_000);
        line.due(0, T0 + 30_000);
        assertEquals(T0 + 15_000, line.due(20_000, T0 + 15_000));
        assertEquals(T0 + 35_000, line.due(40_000, T0 + 50_000), "follows the new, earlier line");
    }

    @Test
    void aPublisherThatStalledStartsANewLineInsteadOfBeingDropped() {
        ArrivalLine line = new ArrivalLine(40_000, 200_000);
        line.due(0, T0);
        long due = line.due(20_000, T0 + 520_000);   // 500 ms late: over the 200 ms allowed
        assertEquals(T0 + 520_000 + 40_000, due);
        assertFalse(line.stale(T0 + 520_000, T0 + 530_000), "ready 10 ms after its input entered");
        assertEquals(T0 + 540_000 + 40_000, line.due(40_000, T0 + 540_000));
    }

    @Test
    void anOldLineIsRenewedByALaterPacket() {
        ArrivalLine line = new ArrivalLine(0, 0);
        line.due(0, T0);
        // A publisher clock a little slow: 1 ms late after 4 s is held to the line, after 6 s it renews the line.
        assertEquals(T0 + 4_000_000, line.due(4_000_000, T0 + 4_001_000));
        assertEquals(T0 + 6_001_000, line.due(6_000_000, T0 + 6_001_000));
        assertEquals(T0 + 6_021_000, line.due(6_020_000, T0 + 6_022_000));
    }

    @Test
    void packetsReadyLongerAfterTheyEnteredThanTheLimitAreStale() {
        ArrivalLine line = new ArrivalLine(40_000, 200_000);
        assertFalse(line.stale(T0, T0 + 200_000));
        assertTrue(line.stale(T0, T0 + 200_001));
        assertFalse(new ArrivalLine(40_000, 0).stale(T0, T0 + 60_000_000), "0: never stale");
    }

    @Test
    void resetStartsANewLine() {
        ArrivalLine line = new ArrivalLine(0, 200_000);
        line.due(0, T0);
        line.reset();
        assertEquals(T0 + 90_000, line.due(10_000_000, T0 + 90_000));
    }

    @Test
    void refusesNegativeSettings() {
        assertThrows(IllegalArgumentException.class, () -> new ArrivalLine(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalLine(0, -1));
    }
}
