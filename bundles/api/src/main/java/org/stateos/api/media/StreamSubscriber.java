package org.stateos.api.media;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A viewer of a stream (a WebRTC session, an HLS packager, the transcoder, a mesh relay link). Callbacks
 * arrive one at a time, in order, on the executor given to {@link MediaService#subscribe}.
 *
 * <p>What a subscriber sees: the current configuration of every track, then the frames from the latest
 * keyframe on (the GOP cache), then live frames. When it falls behind its bounded queue, the registry drops
 * its queued frames and resumes it at the next keyframe, flagged {@link Frame#DISCONTINUITY}: it never blocks
 * the ingest or other viewers.
 */
@ConsumerType
public interface StreamSubscriber {

    /** A track's configuration: before its first frame, and again on each change (a higher version). */
    void onTrack(TrackConfig config);

    /** A frame. The subscriber owns one reference and must release it (also when it throws). */
    void onFrame(Frame frame);

    /**
     * The publisher left or was replaced. The subscription stays: frames resume (flagged
     * {@link Frame#DISCONTINUITY}, after fresh {@link #onTrack} calls) when a publisher comes back within
     * the registry's grace period. Default: nothing.
     */
    default void onPublisherGone() {
    }

    /** The subscription ended (stream ended or kicked, subscriber closed, or it threw); no calls follow. */
    void onEnd(String reason);
}
