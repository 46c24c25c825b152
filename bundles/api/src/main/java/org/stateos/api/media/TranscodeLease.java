package org.stateos.api.media;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A holder's claim on a running transcode (see {@link TranscodeService#requestOpus}). Closing is idempotent.
 *
 * @since 1.1
 */
@ProviderType
public interface TranscodeLease extends AutoCloseable {

    String streamName();

    /** The derived track index ({@link TrackConfig#FIRST_DERIVED_TRACK} or above) that carries the rendition. */
    int track();

    /** Why the transcode stopped on its own (broken input, codec failure), if it did. */
    Optional<String> error();

    /** Releases the claim; the last one closed stops the transcode after a grace. */
    @Override
    void close();
}
