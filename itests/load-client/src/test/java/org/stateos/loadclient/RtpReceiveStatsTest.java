package org.stateos.loadclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RtpReceiveStatsTest {
    private static final long MS = 1_000_000L;

    @Test
    void countsLossAcrossTheSixteenBitWrap() {
        RtpReceiveStats s = new RtpReceiveStats(90_000);
        int seq = 65_530;
        for (int i = 0; i < 20; i++) {
            int q = (seq + i) & 0xFFFF;
            if (q != 65_534 && q != 2 && q != 3) {
                s.onPacket(q, i * 3000, i * 33 * MS, 1000);
            }
        }
        assertEquals(20, s.expected());
        assertEquals(17, s.received());
        assertEquals(3, s.lost());
        assertEquals(3, s.gaps());
        assertEquals(0x10000 + 13, s.extendedHighest(), "one cycle counted");
        assertEquals(17_000, s.bytes());
        assertArrayEquals(new int[] {65_534, 2, 3}, s.takeMissing());
        assertEquals(0, s.takeMissing().length, "each gap is NACKed once");
    }

    @Test
    void aRetransmissionRepairsTheLossButNotTheGapCount() {
        RtpReceiveStats s = new RtpReceiveStats(90_000);
        s.onPacket(10, 0, 0, 100);
        s.onPacket(12, 0, MS, 100);
        assertEquals(1, s.lost());
        s.onPacket(11, 0, 2 * MS, 100); // NACK answered
        assertEquals(0, s.lost());
        assertEquals(1, s.gaps());
        assertEquals(1, s.reordered());
        assertEquals(0, s.takeMissing().length, "recovered: no longer missing");
    }

    @Test
    void fractionLostPerInterval() {
        RtpReceiveStats s = new RtpReceiveStats(90_000);
        for (int i = 0; i < 100; i++) {
            if (i % 4 != 1) {
                s.onPacket(i, 0, i * MS, 1);
            }
        }
        // 100 expected (0..99), 75 received: 25 % = 64/256
        assertEquals(64, s.fractionLostAndAdvance());
        s.onPacket(100, 0, 200 * MS, 1);
        assertEquals(0, s.fractionLostAndAdvance());
    }

    @Test
    void jitterIsZeroForPerfectPacingAndConvergesToTheDelayVariation() {
        RtpReceiveStats s = new RtpReceiveStats(90_000);
        for (int i = 0; i < 300; i++) {
            s.onPacket(i, 1000 + i * 3000, 1_000_000_000L + i * 33_333_333L, 1200);
        }
        assertEquals(0.0, s.jitterMillis(), 0.02);

        // every other packet 10 ms late: |D| = 10 ms each time, so J converges to 10 ms (900 units at 90 kHz)
        RtpReceiveStats t = new RtpReceiveStats(90_000);
        for (int i = 0; i < 500; i++) {
            long late = (i % 2) * 10 * MS;
            t.onPacket(i, i * 3000, i * 33_333_333L + late, 1200);
        }
        assertEquals(10.0, t.jitterMillis(), 0.1);
        assertEquals(900, t.jitterUnits(), 10);
    }
}
