package org.stateos.transcoder.internal.codec;

/** Where an {@link AudioCodec}'s results go. */
public interface CodecListener {
    /** An Opus packet; {@code sourceIngestMicros} is when the AAC unit that completed it entered the node. */
    void packet(OpusPacket packet, long sourceIngestMicros);

    /** An access unit was refused; {@code consecutive} in a row so far. The pipeline goes on. */
    void unitFailed(int consecutive, String message);

    /** The pipeline cannot go on (could not open, the codecs failed). */
    void failed(String message);

    /**
     * The pipeline was opened again on a new codec worker after the last one died: a new timeline starts (what was
     * in the old worker's codecs is lost). Called before the first packet of the new pipeline.
     */
    void restarted();
}
