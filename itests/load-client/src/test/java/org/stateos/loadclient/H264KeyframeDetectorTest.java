package org.stateos.loadclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class H264KeyframeDetectorTest {
    static final byte[] STAP_A_SPS_PPS = {24, 0, 4, 0x67, 0x42, (byte) 0xc0, 0x1f, 0, 2, 0x68, (byte) 0xce};
    static final byte[] STAP_A_WITH_IDR = {24, 0, 2, 0x68, (byte) 0xce, 0, 3, 0x65, 1, 2};

    static byte[] fu(int type, boolean start, boolean end) {
        return new byte[] {(byte) 0x7c, (byte) ((start ? 0x80 : 0) | (end ? 0x40 : 0) | type), 9, 9, 9};
    }

    static boolean feed(H264KeyframeDetector d, int seq, int ts, boolean marker, byte[] p) {
        return d.onPacket(seq, ts, marker, p, 0, p.length);
    }

    @Test
    void findsAnIdrSentAsStapAThenFuA() {
        H264KeyframeDetector d = new H264KeyframeDetector();
        assertFalse(feed(d, 100, 9000, false, STAP_A_SPS_PPS));
        assertFalse(feed(d, 101, 9000, false, fu(5, true, false)));
        assertFalse(feed(d, 102, 9000, false, fu(5, false, false)));
        assertTrue(feed(d, 103, 9000, true, fu(5, false, true)));
        assertFalse(feed(d, 104, 12000, true, new byte[] {0x41, 1, 2}), "a P frame is no keyframe");
        assertEquals(1, d.completeIdrFrames());
    }

    @Test
    void aGapInsideTheIdrMakesItIncompleteAndTheNextCleanOneCounts() {
        H264KeyframeDetector d = new H264KeyframeDetector();
        feed(d, 65_534, 9000, false, STAP_A_SPS_PPS);
        feed(d, 65_535, 9000, false, fu(5, true, false));
        // 0 lost
        assertFalse(feed(d, 1, 9000, true, fu(5, false, true)));
        assertFalse(feed(d, 2, 12000, true, new byte[] {0x41, 1}));
        assertTrue(feed(d, 3, 15000, true, new byte[] {0x65, 1, 2}), "single-NAL IDR after a marker, across the wrap");
        assertEquals(1, d.completeIdrFrames());
    }

    @Test
    void aFrameWhoseStartWasLostIsIncomplete() {
        H264KeyframeDetector d = new H264KeyframeDetector();
        feed(d, 10, 3000, true, new byte[] {0x41, 1});
        // 11 (the FU-A start of the IDR) lost
        assertFalse(feed(d, 12, 6000, true, fu(5, false, true)));
        // joining mid-frame: a FU-A continuation cannot start a frame
        H264KeyframeDetector late = new H264KeyframeDetector();
        assertFalse(feed(late, 50, 6000, true, fu(5, false, true)));
        assertTrue(feed(late, 51, 9000, true, STAP_A_WITH_IDR), "an IDR inside a STAP-A");
    }
}
