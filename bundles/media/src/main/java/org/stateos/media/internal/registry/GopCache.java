package org.stateos.media.internal.registry;

import java.util.ArrayDeque;
import java.util.List;

import org.stateos.api.media.Frame;

/**
 * The frames since the latest video keyframe (audio interleaved), holding one reference each, so that a new
 * viewer starts decoding at once. Bounded in bytes: a GOP that outgrows it is dropped whole and caching
 * resumes at the next keyframe (a viewer joining meanwhile waits for that keyframe). Guarded by the stream's
 * lock.
 */
final class GopCache {
    private final long maxBytes;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long bytes;
    private boolean valid;

    GopCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @param startsGop a resume point: a video keyframe, or any frame of an audio-only stream */
    void add(Frame frame, boolean startsGop) {
        if (startsGop) {
            clear();
            valid = true;
        }
        if (!valid) {
            return;
        }
        if (bytes + frame.size() > maxBytes) {
            clear();
            return;
        }
        frames.add(frame.retainedDuplicate());
        bytes += frame.size();
    }

    /** True when the cache starts at a resume point, so a viewer may start with its frames. */
    boolean valid() {
        return valid;
    }

    List<Frame> frames() {
        return List.copyOf(frames);
    }

    long bytes() {
        return bytes;
    }

    /** Releases every frame; caching resumes at the next resume point. */
    void clear() {
        Frame f;
        while ((f = frames.poll()) != null) {
            f.release();
        }
        bytes = 0;
        valid = false;
    }
}
