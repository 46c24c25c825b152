package org.stateos.api.media;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An ingest's handle on the stream it publishes. Calls come from one thread at a time (the ingest's
 * connection), in order: configure a track before its frames.
 */
@ProviderType
public interface Publication extends AutoCloseable {

    String streamName();

    /** Declares a track or changes its configuration (a higher {@link TrackConfig#version()}). */
    void track(TrackConfig config);

    /**
     * Publishes a frame; takes over the caller's reference (released here also when the publication is
     * closed or the frame is refused). Never blocks on viewers.
     */
    void frame(Frame frame);

    /** False once closed, kicked, or taken over by another publisher. */
    boolean isOpen();

    /** Unpublishes. Viewers stay attached for the registry's grace period, waiting for a new publisher. */
    @Override
    void close();
}
