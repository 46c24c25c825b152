package org.stateos.transcoder.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {
    @Test
    void readsAacLcAt44100Stereo() {
        assertEquals(new AudioSpecificConfig(2, 44_100, 2, false), AudioSpecificConfig.parse(new byte[] {0x12, 0x10}));
    }

    @Test
    void readsAacLcAt48000Mono() {
        assertEquals(new AudioSpecificConfig(2, 48_000, 1, false), AudioSpecificConfig.parse(new byte[] {0x11, (byte) 0x88}));
    }

    @Test
    void readsExplicitHeAacSignallingAndAnExplicitRate() {
        // AOT 5 (SBR), 24 kHz core (index 6), stereo, extension rate 48 kHz (index 3), core AOT 2.
        int bits = (5 << 27) | (6 << 23) | (2 << 19) | (3 << 15) | (2 << 10);
        byte[] b = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
        assertEquals(new AudioSpecificConfig(2, 24_000, 2, true), AudioSpecificConfig.parse(b));
        // Index 15: a 24-bit explicit rate follows (44 100 Hz), then channel configuration 1.
        long v = (2L << 35) | (15L << 31) | (44_100L << 7) | (1L << 3);
        byte[] e = {(byte) (v >>> 32), (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        assertEquals(new AudioSpecificConfig(2, 44_100, 1, false), AudioSpecificConfig.parse(e));
    }

    @Test
    void refusesWhatItCannotHandOnWithAReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parse(new byte[] {0x12}))
                .getMessage().contains("too short"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parse(new byte[65]))
                .getMessage().contains("exceeds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parse(new byte[] {0x12, 0x00}))
                .getMessage().contains("program config element"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parse(new byte[] {0x16, (byte) 0x90}))
                .getMessage().contains("reserved sampling frequency index"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parse(new byte[] {(byte) 0xf8, 0x10}))
                .getMessage().contains("truncated"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parse(new byte[] {0x3a, 0x10}))
                .getMessage().contains("not AAC"));
    }
}
