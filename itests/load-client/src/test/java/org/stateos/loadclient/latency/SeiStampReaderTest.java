package org.stateos.loadclient.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeiStampReaderTest {
    private final List<long[]> got = new ArrayList<>();
    private long clock = 5_000;
    private final SeiStampReader reader = new SeiStampReader((s, a) -> got.add(new long[] {s, a}), () -> clock);

    @Test
    void singleNalSeiThenSlicesReportsAtTheMarker() {
        byte[] sei = StampSei.nal(1234);
        reader.onPacket(90, false, sei, 0, sei.length);
        reader.onPacket(90, false, new byte[] {0x41, 1, 2}, 0, 3);
        assertEquals(0, got.size());
        clock = 6_000;
        reader.onPacket(90, true, new byte[] {0x41, 3, 4}, 0, 3);
        assertEquals(1, got.size());
        assertEquals(1234, got.get(0)[0]);
        assertEquals(6_000, got.get(0)[1]);
        reader.onPacket(180, true, new byte[] {0x41, 3, 4}, 0, 3); // an unstamped access unit: nothing
        assertEquals(1, got.size());
    }

    @Test
    void seiInsideAStapA() {
        byte[] sei = StampSei.nal(777);
        byte[] stap = new byte[1 + 2 + 2 + 2 + sei.length];
        stap[0] = 24;
        stap[2] = 2;
        stap[3] = 0x09;
        stap[4] = (byte) 0xF0;
        stap[6] = (byte) sei.length;
        System.arraycopy(sei, 0, stap, 7, sei.length);
        reader.onPacket(1, true, stap, 0, stap.length);
        assertEquals(777, got.get(0)[0]);
    }

    @Test
    void fragmentedSeiIsReassembledAndALostStartIsIgnored() {
        byte[] sei = StampSei.nal(99);
        int half = sei.length / 2;
        byte[] a = new byte[2 + half - 1];
        a[0] = 28;
        a[1] = (byte) (0x80 | 6);
        System.arraycopy(sei, 1, a, 2, half - 1);
        byte[] b = new byte[2 + sei.length - half];
        b[0] = 28;
        b[1] = (byte) (0x40 | 6);
        System.arraycopy(sei, half, b, 2, sei.length - half);
        reader.onPacket(7, false, a, 0, a.length);
        reader.onPacket(7, true, b, 0, b.length);
        assertEquals(99, got.get(0)[0]);
        reader.onPacket(8, true, b, 0, b.length); // the end fragment alone
        assertEquals(1, got.size());
    }
}
