package org.stateos.api.media;

import java.time.Instant;
import java.util.List;

/**
 * What the registry knows of a stream now (for media:streams, /api/streams and the player's list).
 *
 * @param name         the stream name (the RTMP stream key, the WHIP/WHEP path segment)
 * @param state        live, or waiting for its publisher to come back
 * @param origin       who publishes, e.g. {@code "rtmp 192.0.2.7:50322"}
 * @param since        when the current publisher started
 * @param tracks       the tracks, by index
 * @param bitrateBps   ingest bitrate over the last few seconds, all tracks
 * @param viewers      subscribers attached now
 * @param frames       frames received since the stream started
 * @param droppedFrames frames dropped for slow subscribers, summed over all of them
 */
public record StreamInfo(String name, State state, String origin, Instant since, List<TrackInfo> tracks,
        long bitrateBps, int viewers, long frames, long droppedFrames) {

    public enum State {
        LIVE,
        /** The publisher left; subscribers wait for the grace period. */
        WAITING
    }

    public StreamInfo {
        tracks = List.copyOf(tracks);
    }

    /**
     * @param config       the current configuration
     * @param bitrateBps   this track's ingest bitrate
     * @param frameRate    frames per second over the last few seconds
     */
    public record TrackInfo(TrackConfig config, long bitrateBps, double frameRate) {
    }
}
