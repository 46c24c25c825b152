package org.stateos.media.internal.mp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.TestFrames;

/** The box writer's output parsed back by the bounded reader. */
class Mp4WriterTest {

    @Test
    void h264InitSegmentCarriesTheAvcConfigurationRecord() throws Exception {
        TrackConfig c = TestFrames.video(1);
        byte[] init = InitSegment.of(c);
        Mp4Verifier.InitInfo info = Mp4Verifier.init(init);
        assertEquals(new Mp4Verifier.InitInfo("vide", "avc1", 90000), info);
        Box avcC = find(init, List.of("moov", "trak", "mdia", "minf", "stbl", "stsd"), "avcC");
        assertArrayEquals(c.config(), Arrays.copyOfRange(init, avcC.bodyStart(), avcC.end()));
        Box tkhd = find(init, List.of("moov", "trak"), "tkhd");
        assertEquals(320L << 16, Box.u32(init, tkhd.end() - 8));
        assertEquals(240L << 16, Box.u32(init, tkhd.end() - 4));
    }

    @Test
    void aacInitSegmentCarriesTheAudioSpecificConfigInEsds() throws Exception {
        byte[] init = InitSegment.of(TestFrames.audio(1));
        assertEquals(new Mp4Verifier.InitInfo("soun", "mp4a", 90000), Mp4Verifier.init(init));
        Box esds = find(init, List.of("moov", "trak", "mdia", "minf", "stbl", "stsd"), "esds");
        byte[] body = Arrays.copyOfRange(init, esds.bodyStart(), esds.end());
        // version/flags, ES descriptor, decoder config (object type 0x40 = MPEG-4 audio), then the ASC 0x12 0x10.
        assertEquals(0x03, body[4]);
        int dcd = indexOf(body, new byte[] {0x04, (byte) 0x80, (byte) 0x80, (byte) 0x80});
        assertEquals(0x40, body[dcd + 5]);
        int dsi = indexOf(body, new byte[] {0x05, (byte) 0x80, (byte) 0x80, (byte) 0x80, 2});
        assertEquals(0x12, body[dsi + 5]);
        assertEquals(0x10, body[dsi + 6]);
    }

    @Test
    void opusInitSegmentHasDops() throws Exception {
        TrackConfig opus = new TrackConfig(1, Codec.OPUS, 1, new byte[0], 0, 0, 48000, 2, 0);
        assertEquals("Opus", Mp4Verifier.init(InitSegment.of(opus)).sampleEntry());
    }

    @Test
    void refusesAVideoTrackWithoutConfigurationRecord() {
        TrackConfig bare = new TrackConfig(0, Codec.H264, 1, new byte[0], 320, 240, 0, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InitSegment.of(bare));
        assertTrue(e.getMessage().contains("no configuration record"), e.getMessage());
    }

    @Test
    void fragmentParsesBackWithItsSamples() throws Exception {
        List<Sample> samples = List.of(new Sample(3, 3600, 0, true), new Sample(2, 3600, 1800, false));
        byte[] f = FragmentWriter.write(7, 123_456_789_012L, samples, 5, w -> w.bytes(new byte[] {1, 2, 3, 4, 5}));
        Mp4Verifier.FragmentInfo info = Mp4Verifier.fragment(f);
        assertEquals(new Mp4Verifier.FragmentInfo(7, 123_456_789_012L, 2, 7200, true), info);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOfRange(f, f.length - 5, f.length));
    }

    @Test
    void verifierRefusesDamagedFragmentsWithAReason() throws Exception {
        byte[] f = FragmentWriter.write(1, 0, List.of(new Sample(4, 3600, 0, true)), 4, w -> w.bytes(new byte[4]));
        byte[] truncated = Arrays.copyOf(f, f.length - 1);
        assertTrue(assertThrows(Mp4FormatException.class, () -> Mp4Verifier.fragment(truncated)).getMessage()
                .contains("claims"));
        byte[] hugeCount = f.clone();
        Box trun = find(f, List.of("moof", "traf"), "trun");
        hugeCount[trun.bodyStart() + 4] = 0x7F;   // sample count far beyond the box
        assertTrue(assertThrows(Mp4FormatException.class, () -> Mp4Verifier.fragment(hugeCount)).getMessage()
                .contains("do not fit"));
        assertThrows(Mp4FormatException.class, () -> Mp4Verifier.fragment(InitSegment.of(TestFrames.video(1))));
        assertThrows(Mp4FormatException.class, () -> Mp4Verifier.init(f));
    }

    static Box find(byte[] b, List<String> path, String type) throws Mp4FormatException {
        int from = 0;
        int to = b.length;
        for (String step : path) {
            Box x = Box.one(Box.children(b, from, to), step, step);
            from = x.bodyStart();
            to = x.end();
            if (step.equals("stsd")) {
                from += 8;   // version/flags and entry count
                Box entry = Box.children(b, from, to).get(0);
                // sample entry: 8 bytes common + 20 (audio) or 70 (visual) before its child boxes
                from = entry.bodyStart() + (entry.type().equals("avc1") ? 78 : 28);
                to = entry.end();
            }
        }
        return Box.one(Box.children(b, from, to), type, type);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
