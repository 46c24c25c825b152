package org.stateos.media.internal.registry;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.TrackConfig;

/**
 * Tracks computed from a stream's own tracks (see {@link org.stateos.api.media.MediaService#publishDerived}): on
 * tracks {@link TrackConfig#FIRST_DERIVED_TRACK} and above, never the stream's publisher. Its owner calls it from
 * one thread at a time.
 */
final class DerivedPublication implements Publication {
    private static final Logger LOG = LoggerFactory.getLogger(DerivedPublication.class);

    private final Stream stream;
    private final String origin;
    private final PublisherListener listener;
    private final LongSupplier clock;
    private volatile boolean open = true;
    /** Stream version minus this publication's version, per track (as for a publisher). */
    private final int[] versionOffset = new int[Stream.MAX_TRACKS];

    DerivedPublication(Stream stream, String origin, PublisherListener listener, LongSupplier clock) {
        this.stream = stream;
        this.origin = origin;
        this.listener = listener;
        this.clock = clock;
    }

    String origin() {
        return origin;
    }

    // Called under the stream's lock.
    int streamVersion(int track, int version) {
        return version + versionOffset[track];
    }

    void renumber(int track, int version, int streamVersion) {
        versionOffset[track] = streamVersion - version;
    }

    void markClosed() {
        open = false;
    }

    /** The stream ended: tell the owner, outside every lock. */
    void ended(String reason) {
        try {
            listener.ended(reason);
        } catch (RuntimeException e) {
            LOG.warn("derived-track listener of stream '{}' failed: {}", stream.name(), e.toString(), e);
        }
    }

    @Override
    public String streamName() {
        return stream.name();
    }

    @Override
    public void track(TrackConfig config) {
        if (!config.derived()) {
            throw new IllegalArgumentException("derived tracks use indices " + TrackConfig.FIRST_DERIVED_TRACK
                    + "..15, not " + config.track());
        }
        if (open) {
            stream.derivedTrack(this, config);
        }
    }

    @Override
    public void frame(Frame frame) {
        if (!open) {
            frame.release();
            return;
        }
        stream.derivedFrame(this, frame, clock.getAsLong());
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            stream.detachDerived(this);
        }
    }

    @Override
    public String toString() {
        return "DerivedPublication[" + stream.name() + " by " + origin + (open ? "" : ", closed") + "]";
    }
}
