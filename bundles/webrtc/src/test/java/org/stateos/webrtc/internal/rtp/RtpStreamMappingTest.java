package org.stateos.webrtc.internal.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The RTP-to-ingest-clock mapping a sender report carries (and the player's latency readout uses). */
class RtpStreamMappingTest {
    private final RtpStream stream = new RtpStream(1, 96, 90_000, 0, 0);

    @Test
    void aFrameThatArrivesLateDoesNotShiftTheMapping() {
        stream.mapping(90_000, 1_000_000); // frame at 1 s arrived at wall 1 s
        stream.mapping(93_000, 1_100_000); // frame due at 1.0333 s arrived 67 ms late (a burst)
        assertEquals(90_000 + 9_000, stream.timestampAt(1_100_000), "the on-time mapping is kept");
    }

    @Test
    void aFrameThatArrivesEarlierThanPredictedTightensTheMapping() {
        stream.mapping(90_000, 1_000_000);
        stream.mapping(99_000, 1_050_000); // due at +100 ms, here after 50 ms: the first frame was late
        assertEquals(99_000, stream.timestampAt(1_050_000));
    }

    @Test
    void anOldMappingGivesWayToLateFramesSoDriftAndRestartsAreFollowed() {
        stream.mapping(90_000, 1_000_000);
        long later = 1_000_000 + RtpStream.MAPPING_MAX_AGE_MICROS;
        int lateTs = stream.timestampAt(later) - 4_500; // 50 ms behind the old mapping
        stream.mapping(lateTs, later);
        assertEquals(lateTs, stream.timestampAt(later));
    }
}
