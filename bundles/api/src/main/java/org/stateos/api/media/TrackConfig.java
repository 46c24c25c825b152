package org.stateos.api.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * A track's codec configuration, as a versioned event on the track: a publisher sends one before the track's
 * first frame and a new one (version + 1) whenever the configuration changes (new SPS/PPS, a new resolution).
 * Every frame names the version it needs; subscribers receive a configuration before any frame that needs it.
 *
 * @param track        the track's index in its stream (0 = first); publishers use 0 to
 *                     {@link #FIRST_DERIVED_TRACK} - 1, derived tracks (see {@link MediaService#publishDerived}) the rest
 * @param codec        the codec
 * @param version      1 for the first configuration of this track, then increasing
 * @param config       the codec configuration record (see {@link Codec}); never modified (a copy is kept)
 * @param width        video width in pixels, 0 if unknown or audio
 * @param height       video height in pixels, 0 if unknown or audio
 * @param sampleRate   audio sample rate in Hz, 0 if video
 * @param channels     audio channels, 0 if video
 * @param ingestMicros ingest wall-clock time (UTC, microseconds since the epoch) when it arrived
 */
public record TrackConfig(int track, Codec codec, int version, byte[] config, int width, int height, int sampleRate,
        int channels, long ingestMicros) {

    /** The first track index of derived tracks (8..15); publishers keep 0..7. @since 1.1 */
    public static final int FIRST_DERIVED_TRACK = 8;

    public TrackConfig {
        Objects.requireNonNull(codec, "codec");
        if (track < 0 || track > 15) {
            throw new IllegalArgumentException("track index out of range 0..15: " + track);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1: " + version);
        }
        config = config == null ? new byte[0] : config.clone();
    }

    /** True for a track computed from the stream's own tracks (index {@link #FIRST_DERIVED_TRACK} or above). */
    public boolean derived() {
        return track >= FIRST_DERIVED_TRACK;
    }

    public MediaKind kind() {
        return codec.kind();
    }

    /** A copy of the configuration record. */
    @Override
    public byte[] config() {
        return config.clone();
    }

    /** The configuration record's length, without copying it. */
    public int configLength() {
        return config.length;
    }

    /** The same configuration under the next version, e.g. when a publisher reconnects. */
    public TrackConfig withVersion(int newVersion) {
        return new TrackConfig(track, codec, newVersion, config, width, height, sampleRate, channels, ingestMicros);
    }

    /** True when both describe the same codec setup (ignores version and arrival time). */
    public boolean sameSetup(TrackConfig other) {
        return other != null && track == other.track && codec == other.codec && Arrays.equals(config, other.config)
                && width == other.width && height == other.height && sampleRate == other.sampleRate
                && channels == other.channels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackConfig t && sameSetup(t) && version == t.version && ingestMicros == t.ingestMicros;
    }

    @Override
    public int hashCode() {
        return Objects.hash(track, codec, version, Arrays.hashCode(config), width, height, sampleRate, channels);
    }

    @Override
    public String toString() {
        return "TrackConfig[track=" + track + ", " + codec + " v" + version + ", " + config.length + " B config"
                + (codec.kind() == MediaKind.VIDEO ? ", " + width + "x" + height : ", " + sampleRate + " Hz x" + channels)
                + "]";
    }
}
