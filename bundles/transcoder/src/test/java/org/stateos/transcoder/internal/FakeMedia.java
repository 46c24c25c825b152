package org.stateos.transcoder.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.StreamBusyException;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;

/** A media service with one stream "cam": records subscriptions and what derived publications publish. */
final class FakeMedia implements MediaService {
    final List<StreamSubscriber> subscribers = new CopyOnWriteArrayList<>();
    final List<Boolean> subscriptionClosed = new CopyOnWriteArrayList<>();
    final List<TrackConfig> derivedTracks = new CopyOnWriteArrayList<>();
    final List<long[]> derivedFrames = new CopyOnWriteArrayList<>();   // track, pts, ingest, flags, size
    volatile boolean derivedClosed;
    volatile int derivedPublications;

    @Override
    public Publication publish(String name, String origin, PublisherListener listener) throws StreamBusyException {
        throw new UnsupportedOperationException();
    }

    @Override
    public Publication publishDerived(String name, String origin, PublisherListener listener)
            throws StreamNotFoundException {
        if (!name.equals("cam")) {
            throw new StreamNotFoundException(name);
        }
        derivedPublications++;
        derivedClosed = false;
        return new Publication() {
            public String streamName() {
                return name;
            }

            public void track(TrackConfig config) {
                derivedTracks.add(config);
            }

            public void frame(Frame frame) {
                try {
                    derivedFrames.add(new long[] {frame.track(), frame.pts(), frame.ingestMicros(), frame.flags(), frame.size()});
                } finally {
                    frame.release();
                }
            }

            public boolean isOpen() {
                return !derivedClosed;
            }

            public void close() {
                derivedClosed = true;
            }
        };
    }

    @Override
    public Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor)
            throws StreamNotFoundException {
        if (!name.equals("cam")) {
            throw new StreamNotFoundException(name);
        }
        int index = subscribers.size();
        subscribers.add(subscriber);
        subscriptionClosed.add(false);
        return new Subscription() {
            public String streamName() {
                return name;
            }

            public long droppedFrames() {
                return 0;
            }

            public int queuedFrames() {
                return 0;
            }

            public void close() {
                subscriptionClosed.set(index, true);
            }
        };
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
        return false;
    }
}
