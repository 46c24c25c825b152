package org.stateos.media.internal.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.StreamBusyException;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.Timers;

/**
 * The stream registry: streams by name, publication with takeover after silence, grace period after a
 * publisher leaves, subscription, kick. Lock order: the registry, then a stream, then a viewer's queue;
 * listeners and subscribers are only ever called with no lock held.
 */
public final class MediaRegistry implements MediaService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaRegistry.class);

    private final Settings settings;
    private final LongSupplier clockMicros;
    private final Timers timers;
    private final Function<String, StreamRecorder> recorders;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private boolean closed;   // guarded by this

    /**
     * @param clockMicros wall clock, UTC microseconds
     * @param recorders   a recording per new stream, or null for none
     */
    public MediaRegistry(Settings settings, LongSupplier clockMicros, Timers timers,
            Function<String, StreamRecorder> recorders) {
        this.settings = settings;
        this.clockMicros = clockMicros;
        this.timers = timers;
        this.recorders = recorders;
    }

    private static void checkName(String name) {
        if (!MediaService.isValidName(name)) {
            throw new IllegalArgumentException("invalid stream name '" + name
                    + "': use 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
        }
    }

    @Override
    public Publication publish(String name, String origin, PublisherListener listener) throws StreamBusyException {
        checkName(name);
        Objects.requireNonNull(listener, "listener");
        String who = origin == null || origin.isBlank() ? "unknown origin" : origin;
        long now = clockMicros.getAsLong();
        PublicationImpl old;
        PublicationImpl p;
        long silent;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the media service is stopped");
            }
            Stream s = streams.get(name);
            if (s == null || s.ended()) {
                s = new Stream(name, settings, recorder(name));
                streams.put(name, s);
            }
            silent = s.silentMicros(now);
            if (s.isLive() && silent < settings.takeoverMicros()) {
                throw new StreamBusyException(name, "stream '" + name + "' is already being published by "
                        + s.origin() + " since " + Instant.EPOCH.plusNanos(s.sinceMicros() * 1000)
                        + "; it can be taken over after " + seconds(settings.takeoverMicros()) + " of silence");
            }
            p = new PublicationImpl(this, s, who, listener, clockMicros);
            old = s.attach(p, now);
        }
        if (old != null) {
            String reason = "taken over by " + who + " after " + seconds(silent) + " of silence";
            LOG.info("stream '{}': {} {}", name, old.origin(), reason);
            old.ended(reason);
        } else {
            LOG.info("stream '{}' published by {}", name, who);
        }
        return p;
    }

    @Override
    public Publication publishDerived(String name, String origin, PublisherListener listener)
            throws StreamNotFoundException {
        Objects.requireNonNull(listener, "listener");
        if (!MediaService.isValidName(name)) {
            throw new StreamNotFoundException(String.valueOf(name));
        }
        String who = origin == null || origin.isBlank() ? "unknown origin" : origin;
        synchronized (this) {
            Stream s = streams.get(name);
            if (s == null || s.ended()) {
                throw new StreamNotFoundException(name);
            }
            DerivedPublication p = new DerivedPublication(s, who, listener, clockMicros);
            s.attachDerived(p);
            LOG.info("stream '{}': derived tracks from {}", name, who);
            return p;
        }
    }

    private StreamRecorder recorder(String name) {
        if (recorders == null) {
            return null;
        }
        try {
            return recorders.apply(name);
        } catch (RuntimeException e) {
            LOG.warn("stream '{}' is not recorded: {}", name, e.toString(), e);
            return null;
        }
    }

    static String seconds(long micros) {
        long tenths = Math.round(micros / 100_000.0);
        return tenths % 10 == 0 ? (tenths / 10) + " s" : (tenths / 10) + "." + (tenths % 10) + " s";
    }

    /** The publisher closed: the stream waits for the grace period, then ends. */
    void publisherClosed(Stream s, PublicationImpl p) {
        boolean left;
        // Under the registry's lock, which the timer task takes first: even a zero grace period cannot fire
        // before the stream is WAITING under the epoch it checks.
        synchronized (this) {
            long epoch = s.epoch() + 1;   // the epoch publisherClosed moves to
            Runnable cancel = timers.schedule(() -> graceExpired(s, epoch), settings.graceMillis());
            left = s.publisherClosed(p, cancel);
        }
        if (left) {
            LOG.info("stream '{}': publisher {} left; viewers wait {} ms for a new one", s.name(), p.origin(),
                    settings.graceMillis());
        }
    }

    private void graceExpired(Stream s, long epoch) {
        Stream.Ended e;
        synchronized (this) {
            synchronized (s) {
                if (s.epoch() != epoch || s.isLive() || s.ended()) {
                    return;
                }
                e = s.end();
            }
            streams.remove(s.name(), s);
        }
        LOG.info("stream '{}' ended: no publisher came back within {} ms", s.name(), settings.graceMillis());
        e.notify("stream ended: the publisher left and did not come back within " + seconds(settings.graceMillis() * 1000));
    }

    @Override
    public Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor)
            throws StreamNotFoundException {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(executor, "executor");
        if (!MediaService.isValidName(name)) {
            throw new StreamNotFoundException(String.valueOf(name));
        }
        synchronized (this) {
            Stream s = streams.get(name);
            if (s == null || s.ended()) {
                throw new StreamNotFoundException(name);
            }
            return s.subscribe(subscriber, executor);
        }
    }

    @Override
    public Optional<StreamInfo> stream(String name) {
        Stream s = name == null ? null : streams.get(name);
        return s == null ? Optional.empty() : Optional.of(s.info(clockMicros.getAsLong()));
    }

    @Override
    public List<StreamInfo> streams() {
        long now = clockMicros.getAsLong();
        List<StreamInfo> out = new ArrayList<>();
        for (Stream s : streams.values()) {
            out.add(s.info(now));
        }
        out.sort(Comparator.comparing(StreamInfo::name));
        return out;
    }

    @Override
    public boolean kick(String name, String reason) {
        String why = reason == null || reason.isBlank() ? "kicked by an operator" : reason;
        Stream s;
        Stream.Ended e;
        synchronized (this) {
            s = name == null ? null : streams.remove(name);
            if (s == null) {
                return false;
            }
            e = s.end();
        }
        LOG.info("stream '{}' kicked: {}", name, why);
        e.notify(why);
        return true;
    }

    /** Ends every stream (the service is going away). */
    @Override
    public void close() {
        List<Stream.Ended> ended = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Stream s : streams.values()) {
                ended.add(s.end());
            }
            streams.clear();
        }
        ended.forEach(e -> e.notify("the media service stopped"));
    }
}
