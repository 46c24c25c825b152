package org.stateos.transcoder.internal.codec;

/** {@link AacToOpus} in this process (isolation {@code in-process}): results reach the listener inside {@link #submit}. */
public final class LocalCodec implements AudioCodec {
    public static final CodecFactory FACTORY = (asc, config, bitrate, listener) ->
            new LocalCodec(new AacToOpus(asc, config, bitrate), listener);

    private final AacToOpus codec;
    private final CodecListener listener;
    private int consecutiveErrors;
    private boolean failed;

    LocalCodec(AacToOpus codec, CodecListener listener) {
        this.codec = codec;
        this.listener = listener;
    }

    @Override
    public int channels() {
        return codec.channels();
    }

    @Override
    public void submit(byte[] unit, long pts, long ingestMicros) {
        if (failed) {
            return;
        }
        try {
            for (OpusPacket p : codec.transcode(unit, pts, ingestMicros)) {
                listener.packet(p, ingestMicros);
            }
            consecutiveErrors = 0;
        } catch (TranscodeException e) {
            listener.unitFailed(++consecutiveErrors, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            failed = true;
            listener.failed("the codecs failed: " + e);
        }
    }

    @Override
    public void close() {
        codec.close();
    }
}
