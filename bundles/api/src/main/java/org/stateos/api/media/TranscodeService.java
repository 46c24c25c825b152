package org.stateos.api.media;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Codec conversion on demand: a WebRTC viewer of a stream whose audio browsers cannot play (AAC) asks for an
 * Opus rendition. Registered by the transcoder bundle, which may come and go at runtime: users hold it as an
 * optional dynamic reference and ask again when a new one appears.
 *
 * @since 1.1
 */
@ProviderType
public interface TranscodeService {

    /**
     * Leases the Opus rendition of the stream's first audio track. All leases of a stream share one transcode;
     * it runs while at least one lease is open and stops a short grace after the last one closes. The rendition
     * is published as a derived track of the stream ({@link TranscodeLease#track()}), so the caller receives it
     * through its own subscription; its frames keep the ingest times and presentation times of the audio they
     * came from, so RTCP sender reports keep audio in sync with video.
     *
     * <p>A lease is granted even when the stream has no AAC track yet (it starts when one appears) and outlives a
     * failed transcode (broken input stops the transcode with an error; {@link TranscodeLease#error()} says why).
     *
     * @throws StreamNotFoundException no live or waiting stream by that name
     */
    TranscodeLease requestOpus(String stream) throws StreamNotFoundException;
}
