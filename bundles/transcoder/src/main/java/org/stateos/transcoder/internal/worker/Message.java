package org.stateos.transcoder.internal.worker;

/**
 * The messages between the transcoder and its codec worker process ({@link Wire} has the framing). Parent to
 * worker: {@link Open}, {@link Aac}, {@link Close}; worker to parent: {@link Ready}, {@link Opus}, {@link Error}.
 * An {@code id} names one codec pipeline (one transcode's audio timeline); it is never reused within a worker.
 */
public sealed interface Message {
    /** Start a pipeline: the AudioSpecificConfig (already validated by the parent, checked again here) and the Opus bit rate. */
    record Open(int id, int bitrate, byte[] audioSpecificConfig) implements Message {
    }

    /** One AAC access unit with its pts (90 kHz) and the wall-clock time it entered the node. */
    record Aac(int id, long pts, long ingestMicros, byte[] unit) implements Message {
    }

    /** Free a pipeline; later messages for this id are ignored. */
    record Close(int id) implements Message {
    }

    /** The worker loaded the natives and reads its input; {@code pid} for the supervisor's figures. */
    record Ready(long pid, int nativesMillis) implements Message {
    }

    /**
     * One Opus packet: its own input times ({@code pts}, {@code ingestMicros}, what A/V sync needs) and the ingest
     * time of the AAC unit whose decoding completed it ({@code sourceIngestMicros}, what pacing needs).
     */
    record Opus(int id, long pts, long ingestMicros, long sourceIngestMicros, byte[] packet) implements Message {
    }

    /**
     * A pipeline's failure. {@link #UNIT}: one access unit refused ({@code consecutive} in a row so far, the
     * pipeline goes on); {@link #FATAL}: the pipeline is gone (it could not open, or the codecs failed).
     */
    record Error(int id, int kind, int consecutive, String message) implements Message {
        public static final int UNIT = 1;
        public static final int FATAL = 2;
    }
}
