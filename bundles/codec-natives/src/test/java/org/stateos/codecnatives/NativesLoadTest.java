package org.stateos.codecnatives;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.junit.jupiter.api.Test;

/** The embedded natives are the ones the transcoder needs: they load, and the codecs it uses are there. */
class NativesLoadTest {
    @Test
    void loadsAvcodecWithTheAacDecoderAndTheLibopusEncoder() {
        assertTrue(avutil.av_version_info().getString().startsWith("8.0"), avutil.av_version_info().getString());
        assertNotNull(avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_AAC), "aac decoder");
        assertNotNull(avcodec.avcodec_find_encoder_by_name("libopus"), "libopus encoder");
        assertNotNull(avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_OPUS), "opus decoder");
        assertTrue(swresample.swresample_version() > 0);
        assertTrue(avcodec.avcodec_configuration().getString().contains("--enable-libopus"));
        assertTrue(!avcodec.avcodec_configuration().getString().contains("--enable-gpl"), "an LGPL build");
    }
}
