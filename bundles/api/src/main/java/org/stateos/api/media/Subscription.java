package org.stateos.api.media;

import org.osgi.annotation.versioning.ProviderType;

/** A subscriber's attachment to a stream. */
@ProviderType
public interface Subscription extends AutoCloseable {

    String streamName();

    /** Frames dropped because this subscriber fell behind. */
    long droppedFrames();

    /** Frames queued for delivery now. */
    int queuedFrames();

    /** Detaches the subscriber; queued frames are released. {@link StreamSubscriber#onEnd} follows once. */
    @Override
    void close();
}
