package org.stateos.transcoder.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_chlayout;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_int;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_sample_fmt;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_delay;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;

/**
 * One AAC track to Opus through FFmpeg: the native AAC decoder (the AudioSpecificConfig as extradata),
 * swresample to 48 kHz interleaved 16-bit, a FIFO that cuts 20 ms frames, libopus. Timestamps follow the input
 * through a {@link SampleClock}: each Opus packet carries the pts and ingest time of the first input sample it
 * encodes, counting the resampler's buffered samples and libopus's priming (its packets' pts are already moved
 * back by {@code initial_padding}, which a WebRTC receiver plays, since RTP carries no pre-skip).
 *
 * <p>Not thread-safe; one thread at a time (the transcode's lock). {@link #close()} frees every native object.
 */
public final class AacToOpus implements AutoCloseable {
    private static final int EAGAIN = -11;   // AVERROR(EAGAIN) on Linux, the only platform codec-natives ships
    private static final int EOF = -('E' | ('O' << 8) | ('F' << 16) | (' ' << 24));   // AVERROR_EOF

    private final int channels;
    private AVCodecContext decoder;
    private AVCodecContext encoder;
    private AVAudioFifo fifo;
    private final AVPacket packet = av_packet_alloc();
    private final AVFrame decoded = av_frame_alloc();
    private final AVFrame resampled = av_frame_alloc();
    private final AVFrame toEncode = av_frame_alloc();
    private final SampleClock clock = new SampleClock();
    private final int frameSize;
    private final int priming;
    private SwrContext resampler;
    private int resamplerRate;
    private int resamplerFormat;
    /** Output-sample position of the FIFO's next sample to write, and of the next one to encode. */
    private long written;
    private long encodedUpTo;
    private long lastIngest;
    private long lastPts;
    private boolean closed;

    /**
     * @param asc     the validated configuration; {@code config} are its bytes, handed to the decoder
     * @param bitrate Opus bit rate in bits per second
     */
    public AacToOpus(AudioSpecificConfig asc, byte[] config, int bitrate) throws TranscodeException {
        this.channels = Math.min(2, asc.channels());
        // FFmpeg's own log goes to the process's stderr, one line per broken access unit; errors reach our log
        // through return codes instead. Process-wide, idempotent.
        av_log_set_level(AV_LOG_FATAL);
        try {
            open(asc, config, bitrate);
        } catch (TranscodeException | RuntimeException e) {
            close();
            throw e;
        }
        frameSize = encoder.frame_size();
        priming = encoder.initial_padding();
    }

    /**
     * Loads FFmpeg's natives (JavaCPP extracts and links them on first use: seconds on a 2-core box) and checks the
     * codecs this class needs are in the build. Idempotent; the first transcode pays nothing once this has run.
     */
    public static void loadNatives() throws TranscodeException {
        if (avcodec_find_decoder(AV_CODEC_ID_AAC) == null || avcodec_find_encoder_by_name("libopus") == null) {
            throw new TranscodeException("this FFmpeg build lacks the aac decoder or the libopus encoder");
        }
    }

    private void open(AudioSpecificConfig asc, byte[] config, int bitrate) throws TranscodeException {
        AVCodec aac = avcodec_find_decoder(AV_CODEC_ID_AAC);
        AVCodec opus = avcodec_find_encoder_by_name("libopus");
        if (aac == null || opus == null) {
            throw new TranscodeException("this FFmpeg build lacks the " + (aac == null ? "aac decoder" : "libopus encoder"));
        }
        decoder = avcodec_alloc_context3(aac);
        BytePointer extradata = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
        extradata.put(config, 0, config.length);
        decoder.extradata(extradata);   // freed with the context
        decoder.extradata_size(config.length);
        decoder.sample_rate(asc.sampleRate());
        av_channel_layout_default(decoder.ch_layout(), asc.channels());
        decoder.pkt_timebase(av_make_q(1, SampleClock.TIMEBASE));
        encoder = avcodec_alloc_context3(opus);
        fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_S16, channels, 4 * SampleClock.RATE / 50);
        check(avcodec_open2(decoder, aac, (AVDictionary) null), "opening the AAC decoder");
        encoder.sample_rate(SampleClock.RATE);
        av_channel_layout_default(encoder.ch_layout(), channels);
        encoder.sample_fmt(AV_SAMPLE_FMT_S16);
        encoder.bit_rate(bitrate);
        encoder.time_base(av_make_q(1, SampleClock.RATE));
        check(avcodec_open2(encoder, opus, (AVDictionary) null), "opening the libopus encoder");
    }

    public int channels() {
        return channels;
    }

    /** libopus's priming samples (its pre-skip), for the figures. */
    public int primingSamples() {
        return priming;
    }

    /**
     * Decodes one AAC access unit and returns the Opus packets now complete (often one, sometimes none or two).
     *
     * @throws TranscodeException the decoder refused the unit (its message says why)
     */
    public List<OpusPacket> transcode(byte[] accessUnit, long pts, long ingestMicros) throws TranscodeException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        List<OpusPacket> out = new ArrayList<>(2);
        check(av_new_packet(packet, accessUnit.length), "allocating a packet");
        try {
            packet.data().put(accessUnit, 0, accessUnit.length);
            packet.pts(pts);
            packet.dts(pts);
            lastPts = pts;
            lastIngest = ingestMicros;
            int r = avcodec_send_packet(decoder, packet);
            if (r < 0 && r != EAGAIN) {
                throw new TranscodeException("the AAC decoder refused an access unit of " + accessUnit.length
                        + " bytes: " + error(r));
            }
        } finally {
            av_packet_unref(packet);
        }
        int r;
        while ((r = avcodec_receive_frame(decoder, decoded)) == 0) {
            try {
                resample(decoded);
            } finally {
                av_frame_unref(decoded);
            }
            encodeReady(out);
        }
        if (r != EAGAIN && r != EOF) {
            throw new TranscodeException("the AAC decoder failed: " + error(r));
        }
        return out;
    }

    private void resample(AVFrame in) throws TranscodeException {
        if (resampler == null || in.sample_rate() != resamplerRate || in.format() != resamplerFormat) {
            if (resampler != null) {
                swr_free(resampler);
            }
            resampler = swr_alloc();
            if (resampler == null) {
                throw new TranscodeException("out of memory for the resampler");
            }
            // Options one by one (the documented alternative to swr_alloc_set_opts2, whose SwrContext** does not
            // map cleanly through JavaCPP).
            check(av_opt_set_chlayout(resampler, "in_chlayout", in.ch_layout(), 0), "resampler input layout");
            check(av_opt_set_int(resampler, "in_sample_rate", in.sample_rate(), 0), "resampler input rate");
            check(av_opt_set_sample_fmt(resampler, "in_sample_fmt", in.format(), 0), "resampler input format");
            check(av_opt_set_chlayout(resampler, "out_chlayout", encoder.ch_layout(), 0), "resampler output layout");
            check(av_opt_set_int(resampler, "out_sample_rate", SampleClock.RATE, 0), "resampler output rate");
            check(av_opt_set_sample_fmt(resampler, "out_sample_fmt", AV_SAMPLE_FMT_S16, 0), "resampler output format");
            check(swr_init(resampler), "starting the resampler");
            resamplerRate = in.sample_rate();
            resamplerFormat = in.format();
        }
        av_frame_unref(resampled);
        resampled.sample_rate(SampleClock.RATE);
        resampled.format(AV_SAMPLE_FMT_S16);
        check(av_channel_layout_copy(resampled.ch_layout(), encoder.ch_layout()), "copying the channel layout");
        check(swr_convert_frame(resampler, resampled, in), "resampling");
        int n = resampled.nb_samples();
        if (n > 0) {
            // The first sample out is as old as the end of this input minus what came out and what is still inside.
            long inputPts = in.pts() == Long.MIN_VALUE ? lastPts : in.pts();   // AV_NOPTS_VALUE: use the packet's
            long inEnd = inputPts + (long) in.nb_samples() * SampleClock.TIMEBASE / in.sample_rate();
            long held = swr_get_delay(resampler, SampleClock.RATE);
            long firstPts = inEnd - (n + held) * SampleClock.TIMEBASE / SampleClock.RATE;
            // = Frame.ticksToMicros, written out: the worker process has codec classes only, not the api bundle's
            long firstIngest = lastIngest + Math.floorDiv((firstPts - lastPts) * 100, 9);
            clock.anchor(written, firstPts, firstIngest);
            check(av_audio_fifo_write(fifo, resampled.data(), n), "buffering samples");
            written += n;
        }
        av_frame_unref(resampled);
    }

    private void encodeReady(List<OpusPacket> out) throws TranscodeException {
        while (av_audio_fifo_size(fifo) >= frameSize) {
            av_frame_unref(toEncode);
            toEncode.nb_samples(frameSize);
            toEncode.format(AV_SAMPLE_FMT_S16);
            toEncode.sample_rate(SampleClock.RATE);
            check(av_channel_layout_copy(toEncode.ch_layout(), encoder.ch_layout()), "copying the channel layout");
            check(av_frame_get_buffer(toEncode, 0), "allocating a frame");
            if (av_audio_fifo_read(fifo, toEncode.data(), frameSize) != frameSize) {
                throw new TranscodeException("the sample FIFO returned short");
            }
            toEncode.pts(encodedUpTo);
            encodedUpTo += frameSize;
            check(avcodec_send_frame(encoder, toEncode), "encoding Opus");
            int r;
            while ((r = avcodec_receive_packet(encoder, packet)) == 0) {
                try {
                    byte[] data = new byte[packet.size()];
                    packet.data().get(data);
                    long position = packet.pts();   // already moved back by the encoder's priming
                    out.add(new OpusPacket(data, clock.pts(position), clock.ingestMicros(position)));
                } finally {
                    av_packet_unref(packet);
                }
            }
            if (r != EAGAIN) {
                throw new TranscodeException("the Opus encoder failed: " + error(r));
            }
        }
    }

    private static void check(int r, String what) throws TranscodeException {
        if (r < 0) {
            throw new TranscodeException(what + ": " + error(r));
        }
    }

    static String error(int code) {
        BytePointer buf = new BytePointer(256);
        try {
            if (av_strerror(code, buf, 256) != 0) {
                return "error " + code;
            }
            byte[] b = new byte[256];
            buf.get(b);
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII) + " (" + code + ")";
        } finally {
            buf.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (resampler != null) {
            swr_free(resampler);
        }
        if (fifo != null) {
            av_audio_fifo_free(fifo);
        }
        if (decoder != null) {
            avcodec_free_context(decoder);
        }
        if (encoder != null) {
            avcodec_free_context(encoder);
        }
        av_packet_free(packet);
        av_frame_free(decoded);
        av_frame_free(resampled);
        av_frame_free(toEncode);
    }
}
