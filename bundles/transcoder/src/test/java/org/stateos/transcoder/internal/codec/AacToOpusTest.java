package org.stateos.transcoder.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Frame;

/** Real AAC from the ffmpeg CLI through the transcoder's FFmpeg pipeline, decoded back and measured. */
class AacToOpusTest {
    static final long PTS0 = 10L * Frame.TIMEBASE;                 // the stream started 10 s before
    static final long INGEST0 = 1_700_000_000_000_000L;
    @TempDir
    Path dir;

    /** AAC frames of 1024 samples at their real pts, ingested exactly on time. */
    static List<OpusPacket> transcode(AdtsFile aac, AacToOpus t) throws TranscodeException {
        List<OpusPacket> out = new ArrayList<>();
        for (int i = 0; i < aac.units().size(); i++) {
            long pts = PTS0 + (long) i * 1024 * Frame.TIMEBASE / aac.sampleRate();
            out.addAll(t.transcode(aac.units().get(i), pts, INGEST0 + Frame.ticksToMicros(pts - PTS0)));
        }
        return out;
    }

    @Test
    void aSineBecomesOpusThatDecodesBackToTheSameToneAndLoudness() throws Exception {
        AdtsFile aac = AdtsFile.encode(dir, "sine=frequency=1000:sample_rate=44100:duration=3", 2);
        List<OpusPacket> opus;
        try (AacToOpus t = new AacToOpus(AudioSpecificConfig.parse(aac.config()), aac.config(), 64_000)) {
            opus = transcode(aac, t);
            assertEquals(2, t.channels());
        }
        assertTrue(opus.size() >= 148 && opus.size() <= 155, "3 s (+ the AAC priming) in 20 ms packets: " + opus.size());
        float[] pcm = PcmDecoder.decode(AV_CODEC_ID_OPUS, null, 48_000, 2,
                opus.stream().map(OpusPacket::data).toList());
        float[] reference = PcmDecoder.decode(AV_CODEC_ID_AAC, aac.config(), 44_100, 2, aac.units());
        double rms = PcmDecoder.rms(pcm, 48_000, 96_000);
        double referenceRms = PcmDecoder.rms(reference, 44_100, 88_200);
        double hz = PcmDecoder.frequency(pcm, 48_000, 96_000, 48_000);
        assertTrue(Math.abs(hz - 1000) < 5, "tone at " + hz + " Hz");
        assertTrue(rms > 0.05, "well above silence: rms " + rms);
        assertTrue(Math.abs(20 * Math.log10(rms / referenceRms)) < 1.0,
                "loudness kept within 1 dB: opus " + rms + ", aac " + referenceRms);
    }

    @Test
    void opusPacketsCarryTheInputTimesOfTheAudioTheyHoldCountingThePriming() throws Exception {
        AdtsFile aac = AdtsFile.encode(dir, "sine=frequency=440:sample_rate=48000:duration=2", 1);
        List<OpusPacket> opus;
        int priming;
        try (AacToOpus t = new AacToOpus(AudioSpecificConfig.parse(aac.config()), aac.config(), 32_000)) {
            opus = transcode(aac, t);
            priming = t.primingSamples();
        }
        assertTrue(priming > 0 && priming < 960, "libopus priming " + priming);
        long expectedFirst = PTS0 - (long) priming * Frame.TIMEBASE / 48_000;
        assertTrue(Math.abs(opus.get(0).pts() - expectedFirst) <= 90,
                "first packet at " + opus.get(0).pts() + ", expected " + expectedFirst + " (1 ms)");
        for (int i = 1; i < opus.size(); i++) {
            assertEquals(1800, opus.get(i).pts() - opus.get(i - 1).pts(), "20 ms apart, packet " + i);
        }
        for (OpusPacket p : opus) {
            // The ingest clock keeps its offset to the media clock (here zero), to the microsecond rounding.
            long offset = p.ingestMicros() - INGEST0 - Frame.ticksToMicros(p.pts() - PTS0);
            assertTrue(Math.abs(offset) <= 21, "ingest offset " + offset + " us at pts " + p.pts());
        }
    }

    @Test
    void aToneThatStartsAtOneSecondStartsAtTheSameInputTimeAfterTranscoding() throws Exception {
        AdtsFile aac = AdtsFile.encode(dir,
                "sine=frequency=1000:sample_rate=44100:duration=2,volume=enable='lt(t,1)':volume=0", 1);
        List<OpusPacket> opus;
        try (AacToOpus t = new AacToOpus(AudioSpecificConfig.parse(aac.config()), aac.config(), 32_000)) {
            opus = transcode(aac, t);
        }
        float[] reference = PcmDecoder.decode(AV_CODEC_ID_AAC, aac.config(), 44_100, 1, aac.units());
        float[] pcm = PcmDecoder.decode(AV_CODEC_ID_OPUS, null, 48_000, 1, opus.stream().map(OpusPacket::data).toList());
        // Where the tone starts on the input's clock: in the AAC as decoded, and in the Opus as a receiver plays it
        // at its packets' timestamps (no pre-skip, as WebRTC).
        double aacOnset = PTS0 + PcmDecoder.onset(reference, 0.05) * (double) Frame.TIMEBASE / 44_100;
        double opusOnset = opus.get(0).pts() + PcmDecoder.onset(pcm, 0.05) * (double) Frame.TIMEBASE / 48_000;
        double skewMs = (opusOnset - aacOnset) / 90.0;
        assertTrue(Math.abs(skewMs) < 3, "the tone starts " + skewMs + " ms off after transcoding");
    }

    @Test
    void garbageAccessUnitsAreRefusedWithAReasonNotACrash() throws Exception {
        byte[] asc = {0x12, 0x10};   // AAC-LC 44.1 kHz stereo
        Random random = new Random(42);
        int refused = 0;
        try (AacToOpus t = new AacToOpus(AudioSpecificConfig.parse(asc), asc, 64_000)) {
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + random.nextInt(800)];
                random.nextBytes(junk);
                try {
                    t.transcode(junk, i * 2090L, INGEST0);
                } catch (TranscodeException e) {
                    refused++;
                    assertTrue(e.getMessage().startsWith("the AAC decoder"), e.getMessage());
                }
            }
        }
        assertTrue(refused > 100, "most random units are refused: " + refused);
    }

    @Test
    void aClosedPipelineRefusesWork() throws Exception {
        byte[] asc = {0x12, 0x10};
        AacToOpus t = new AacToOpus(AudioSpecificConfig.parse(asc), asc, 64_000);
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, () -> t.transcode(new byte[10], 0, 0));
    }
}
