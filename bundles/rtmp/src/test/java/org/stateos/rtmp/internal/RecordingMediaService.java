package org.stateos.rtmp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.StreamBusyException;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;

/**
 * The one stand-in of these tests: a MediaService that records what an ingest publishes. A name is busy while its
 * publication is open (no takeover). Frames are recorded without their payload, which is checked and released at
 * once, so the leak detector sees any reference the ingest failed to hand over.
 */
final class RecordingMediaService implements MediaService {
    /** What is kept of a frame. */
    record FrameRecord(int track, org.stateos.api.media.Codec codec, long dts, long pts, long ingestMicros,
            int flags, int size, int configVersion) {
        boolean key() {
            return (flags & Frame.KEYFRAME) != 0;
        }
    }

    final class Recorded implements Publication {
        final String name;
        final String origin;
        final PublisherListener listener;
        final List<TrackConfig> tracks = new CopyOnWriteArrayList<>();
        final List<FrameRecord> frames = new CopyOnWriteArrayList<>();
        volatile boolean open = true;

        Recorded(String name, String origin, PublisherListener listener) {
            this.name = name;
            this.origin = origin;
            this.listener = listener;
        }

        @Override
        public String streamName() {
            return name;
        }

        @Override
        public void track(TrackConfig config) {
            tracks.add(config);
        }

        @Override
        public void frame(Frame frame) {
            try {
                if (frame.refCnt() < 1) {
                    throw new AssertionError("frame handed over without a reference: " + frame);
                }
                frames.add(new FrameRecord(frame.track(), frame.codec(), frame.dts(), frame.pts(),
                        frame.ingestMicros(), frame.flags(), frame.size(), frame.configVersion()));
            } finally {
                frame.release();
            }
        }

        List<FrameRecord> frames(int track) {
            return frames.stream().filter(f -> f.track() == track).toList();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            live.remove(name, this);
        }

        /** Ends it from the registry side, as a takeover or media:kick does. */
        void end(String reason) {
            open = false;
            live.remove(name, this);
            listener.ended(reason);
        }
    }

    final List<Recorded> publications = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    private final Map<String, Recorded> live = new ConcurrentHashMap<>();

    @Override
    public Publication publish(String name, String origin, PublisherListener listener) throws StreamBusyException {
        Recorded r = new Recorded(name, origin, listener);
        Recorded previous = live.putIfAbsent(name, r);
        if (previous != null) {
            String message = "stream '" + name + "' is already published by " + previous.origin
                    + "; a second publisher is refused while the first is live";
            refusals.add(message);
            throw new StreamBusyException(name, message);
        }
        publications.add(r);
        return r;
    }

    Optional<Recorded> latest(String name) {
        List<Recorded> all = new ArrayList<>(publications);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).name.equals(name)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor) {
        throw new UnsupportedOperationException("an ingest does not subscribe");
    }

    @Override
    public Optional<StreamInfo> stream(String name) {
        return Optional.empty();
    }

    @Override
    public List<StreamInfo> streams() {
        return List.of();
    }

    @Override
    public boolean kick(String name, String reason) {
        Recorded r = live.get(name);
        if (r == null) {
            return false;
        }
        r.end(reason);
        return true;
    }
}
