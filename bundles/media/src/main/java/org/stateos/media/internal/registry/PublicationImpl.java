package org.stateos.media.internal.registry;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.TrackConfig;

/** An ingest's handle on its stream. The ingest calls it from one thread at a time. */
final class PublicationImpl implements Publication {
    private static final Logger LOG = LoggerFactory.getLogger(PublicationImpl.class);

    private final MediaRegistry registry;
    private final Stream stream;
    private final String origin;
    private final PublisherListener listener;
    private final LongSupplier clock;
    private volatile boolean open = true;
    /** Stream version minus publisher version, per track (a publisher that took over counts from 1 again). */
    private final int[] versionOffset = new int[Stream.MAX_TRACKS];

    PublicationImpl(MediaRegistry registry, Stream stream, String origin, PublisherListener listener, LongSupplier clock) {
        this.registry = registry;
        this.stream = stream;
        this.origin = origin;
        this.listener = listener;
        this.clock = clock;
    }

    String origin() {
        return origin;
    }

    // Called under the stream's lock.
    int streamVersion(int track, int publisherVersion) {
        return publisherVersion + versionOffset[track];
    }

    void renumber(int track, int publisherVersion, int streamVersion) {
        versionOffset[track] = streamVersion - publisherVersion;
    }

    void markClosed() {
        open = false;
    }

    /** The registry ended it (kick, takeover): tell the ingest, outside every lock. */
    void ended(String reason) {
        try {
            listener.ended(reason);
        } catch (RuntimeException e) {
            LOG.warn("publisher listener of stream '{}' failed: {}", stream.name(), e.toString(), e);
        }
    }

    @Override
    public String streamName() {
        return stream.name();
    }

    @Override
    public void track(TrackConfig config) {
        if (open) {
            stream.track(this, config);
        }
    }

    @Override
    public void frame(Frame frame) {
        if (!open) {
            frame.release();
            return;
        }
        stream.frame(this, frame, clock.getAsLong());
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            registry.publisherClosed(stream, this);
        }
    }

    @Override
    public String toString() {
        return "Publication[" + stream.name() + " by " + origin + (open ? "" : ", closed") + "]";
    }
}
