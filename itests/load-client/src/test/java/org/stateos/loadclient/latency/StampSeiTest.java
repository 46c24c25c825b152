package org.stateos.loadclient.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StampSeiTest {
    @Test
    void readsBackWhatItWrites() {
        for (long v : new long[] {0, 1, 1_795_313_933_339_123L, 0x0000_0300_0000_0001L, Long.MAX_VALUE}) {
            byte[] nal = StampSei.nal(v);
            assertEquals(v, StampSei.read(nal, 0, nal.length), Long.toHexString(v));
        }
    }

    @Test
    void escapesZeroRunsSoNoStartCodeAppears() {
        byte[] nal = StampSei.nal(0x0000_0000_0000_0100L); // six zero bytes in a row
        for (int i = 0; i + 2 < nal.length; i++) {
            assertFalse(nal[i] == 0 && nal[i + 1] == 0 && (nal[i + 2] & 0xFF) <= 3 && nal[i + 2] != 3,
                    "start code emulation at " + i + ": " + HexFormat.of().formatHex(nal));
        }
        assertEquals(0x100L, StampSei.read(nal, 0, nal.length));
    }

    @Test
    void findsTheStampAfterAnotherMessageInTheSameSei() {
        // x264's version string message first (payload type 5, another UUID, 300 bytes: size coded as FF 2D)
        byte[] other = new byte[2 + 1 + 300];
        other[0] = 5;
        other[1] = (byte) 0xFF;
        other[2] = 45;
        java.util.Arrays.fill(other, 3, other.length, (byte) 'x');
        byte[] ours = StampSei.nal(42);
        byte[] nal = new byte[1 + other.length + ours.length - 1];
        nal[0] = 6;
        System.arraycopy(other, 0, nal, 1, other.length);
        System.arraycopy(ours, 1, nal, 1 + other.length, ours.length - 1);
        assertEquals(42, StampSei.read(nal, 0, nal.length));
    }

    @Test
    void refusesOtherNalUnitsForeignUuidsAndTruncation() {
        byte[] nal = StampSei.nal(7);
        assertEquals(-1, StampSei.read(nal, 0, nal.length - 8)); // cut inside the payload
        byte[] idr = nal.clone();
        idr[0] = 0x65;
        assertEquals(-1, StampSei.read(idr, 0, idr.length));
        byte[] foreign = nal.clone();
        foreign[5] ^= 1;
        assertEquals(-1, StampSei.read(foreign, 0, foreign.length));
        assertEquals(-1, StampSei.read(nal, 3, nal.length)); // a range past the end
    }
}
