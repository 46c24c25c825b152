package org.stateos.transcoder.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.List;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/** Decodes packets back to the first channel's float samples with FFmpeg (the tests' "receiver"). */
public final class PcmDecoder {
    private PcmDecoder() {}

    public static float[] decode(int codecId, byte[] extradata, int sampleRate, int channels, List<byte[]> packets) {
        AVCodec codec = avcodec_find_decoder(codecId);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        if (extradata != null) {
            BytePointer e = new BytePointer(av_mallocz(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
            e.put(extradata, 0, extradata.length);
            ctx.extradata(e);
            ctx.extradata_size(extradata.length);
        }
        ctx.sample_rate(sampleRate);
        av_channel_layout_default(ctx.ch_layout(), channels);
        if (avcodec_open2(ctx, codec, (AVDictionary) null) < 0) {
            throw new IllegalStateException("decoder did not open");
        }
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        float[] out = new float[1 << 16];
        int n = 0;
        for (byte[] p : packets) {
            av_new_packet(pkt, p.length);
            pkt.data().put(p, 0, p.length);
            avcodec_send_packet(ctx, pkt);
            av_packet_unref(pkt);
            while (avcodec_receive_frame(ctx, frame) == 0) {
                if (frame.format() != AV_SAMPLE_FMT_FLTP && frame.format() != AV_SAMPLE_FMT_FLT) {
                    throw new IllegalStateException("unexpected sample format " + frame.format());
                }
                int count = frame.nb_samples();
                int stride = frame.format() == AV_SAMPLE_FMT_FLT ? frame.ch_layout().nb_channels() : 1;
                FloatPointer data = new FloatPointer(frame.data(0)).capacity((long) count * stride);
                while (n + count > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                for (int i = 0; i < count; i++) {
                    out[n++] = data.get((long) i * stride);
                }
                av_frame_unref(frame);
            }
        }
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return java.util.Arrays.copyOf(out, n);
    }

    public static double rms(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * x[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }

    /** Zero crossings per second over [from, to), divided by 2: the frequency of a pure tone. */
    public static double frequency(float[] x, int from, int to, int rate) {
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if ((x[i - 1] < 0) != (x[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 * rate / (to - from);
    }

    /** The first sample whose magnitude exceeds {@code threshold}. */
    public static int onset(float[] x, double threshold) {
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) > threshold) {
                return i;
            }
        }
        return -1;
    }
}
