package org.stateos.transcoder.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * On-demand figure for the README, not a test: CPU time to transcode 60 s of 44.1 kHz stereo AAC (a 1 kHz sine
 * made by ffmpeg) to 64 kbit/s Opus on one thread, against a baseline measured in the same run: only decoding the
 * same AAC. Best of 5 rounds each. Run with the test classpath:
 * {@code java -cp <test classpath> org.stateos.transcoder.internal.codec.TranscodeBench}.
 */
public final class TranscodeBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("transcode-bench");
        AdtsFile aac = AdtsFile.encode(dir, "sine=frequency=1000:sample_rate=44100:duration=60", 2);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long bestDecode = Long.MAX_VALUE;
        long bestTranscode = Long.MAX_VALUE;
        int packets = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            PcmDecoder.decode(AV_CODEC_ID_AAC, aac.config(), aac.sampleRate(), aac.channels(), aac.units());
            bestDecode = Math.min(bestDecode, cpu.getCurrentThreadCpuTime() - t0);
            long t1 = cpu.getCurrentThreadCpuTime();
            try (AacToOpus t = new AacToOpus(AudioSpecificConfig.parse(aac.config()), aac.config(), 64_000)) {
                packets = 0;
                for (int i = 0; i < aac.units().size(); i++) {
                    packets += t.transcode(aac.units().get(i), i * 2090L, 0).size();
                }
            }
            bestTranscode = Math.min(bestTranscode, cpu.getCurrentThreadCpuTime() - t1);
        }
        double media = aac.units().size() * 1024.0 / aac.sampleRate();
        System.out.printf("%.1f s of AAC (%d units) -> %d Opus packets%n", media, aac.units().size(), packets);
        System.out.printf("decode only (baseline): %.3f s CPU = %.0fx real time%n", bestDecode / 1e9, media / (bestDecode / 1e9));
        System.out.printf("AAC->Opus transcode:    %.3f s CPU = %.0fx real time, %.2f%% of a core per stream; "
                + "%.1fx the decode alone%n", bestTranscode / 1e9, media / (bestTranscode / 1e9),
                100.0 * bestTranscode / 1e9 / media, (double) bestTranscode / bestDecode);
    }
}
