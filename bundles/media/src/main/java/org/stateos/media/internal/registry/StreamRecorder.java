package org.stateos.media.internal.registry;

import org.stateos.api.media.Frame;
import org.stateos.api.media.TrackConfig;

/**
 * What a stream tells its recording, on the publisher's thread under the stream's lock: so it must only
 * buffer and hand work off, never block.
 */
public interface StreamRecorder {
    /** A track's configuration (stream-wide version numbers). */
    void track(TrackConfig config);

    /** A frame; the recorder retains what it keeps (the caller keeps its reference). */
    void frame(Frame frame);

    /** The publisher left or was replaced: write out what is buffered; a new timeline may follow. */
    void flush();

    /** The stream ended: flush and release everything. */
    void close();
}
