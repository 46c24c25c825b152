package org.stateos.transcoder.internal.codec;

/**
 * One transcode's AAC → Opus pipeline as the transcode drives it, in this process ({@link LocalCodec}) or in the
 * codec worker process. Results (packets, failures) go to the {@link CodecListener} given when it was opened:
 * synchronously from {@link #submit} in process, from the worker's reader thread otherwise.
 */
public interface AudioCodec extends AutoCloseable {
    /** Output channels (1 or 2), known at open. */
    int channels();

    /** One AAC access unit with its pts (90 kHz) and the time it entered the node. */
    void submit(byte[] unit, long pts, long ingestMicros);

    /** Frees the pipeline; no listener call follows. Idempotent. */
    @Override
    void close();
}
