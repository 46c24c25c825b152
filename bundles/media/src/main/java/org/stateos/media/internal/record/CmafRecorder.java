package org.stateos.media.internal.record;

import java.util.List;
import java.util.concurrent.Executor;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaKind;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.registry.StreamRecorder;
import org.stateos.store.PutOptions;
import org.stateos.store.Retention;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitStore;

/**
 * Records a stream into the unit store as CMAF: per track an init segment unit ({@value #INIT_TYPE}) and
 * fragment units ({@value #FRAGMENT_TYPE}, linking to their init) cut at each video keyframe, audio cut at the
 * first audio frame after it; each fragment is added to the time index as {@code <stream>/<track>} over its
 * ingest wall-clock span.
 *
 * <p>Called on the publisher's thread: it only buffers frames and builds the fragment's bytes (one copy per
 * GOP); encoding, hashing and the store writes run on {@code executor}, at most
 * {@link Settings#maxInFlight()} fragments at a time per stream. Beyond, a fragment is dropped with a warning:
 * the recording gets a gap, the ingest never waits for the disk.
 */
public final class CmafRecorder implements StreamRecorder {
    public static final String INIT_TYPE = "media/cmaf-init";
    public static final String FRAGMENT_TYPE = "media/cmaf-fragment";
    /** An audio-only stream is cut every 2 s. */
    static final long AUDIO_ONLY_FRAGMENT_TICKS = 2L * Frame.TIMEBASE;
    private static final Logger LOG = LoggerFactory.getLogger(CmafRecorder.class);

    private final String stream;
    /** The store as it is now: it may come up after a stream started (first boot formats it) or go away. */
    private final Supplier<UnitStore> stores;
    private final Executor executor;
    private final RecordingStats.Counters counters;
    private final int maxInFlight;
    private final PutOptions fragmentOptions;
    private final long maxFragmentBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final TrackFragmenter[] tracks = new TrackFragmenter[16];
    private final Unit[] inits = new Unit[16];
    private final boolean[] waitingForKeyframe = new boolean[16];
    private final boolean[] cutRequested = new boolean[16];
    private long dropped;

    public CmafRecorder(String stream, UnitStore store, Settings settings, Executor executor,
            RecordingStats.Counters counters) {
        this(stream, () -> store, settings, executor, counters);
    }

    public CmafRecorder(String stream, Supplier<UnitStore> stores, Settings settings, Executor executor,
            RecordingStats.Counters counters) {
        this.stream = stream;
        this.stores = stores;
        this.executor = executor;
        this.counters = counters;
        this.maxInFlight = settings.maxInFlight();
        this.fragmentOptions = PutOptions.of(Retention.dvr(settings.dvrWindow()));
        // Room for the unit's type, its link and its length fields.
        UnitStore store = stores.get();
        this.maxFragmentBytes = Math.max(64 * 1024, (store == null ? Unit.DEFAULT_MAX_BYTES : store.maxUnitBytes()) - 1024L);
    }

    public static String trackId(String stream, int track) {
        return stream + "/" + track;
    }

    @Override
    public void track(TrackConfig config) {
        if (config.derived()) {
            return;   // computed from recorded tracks (a transcode): recording it again would only double the bytes
        }
        int t = config.track();
        TrackFragmenter tf = tracks[t];
        if (tf == null) {
            tf = new TrackFragmenter(t);
            tracks[t] = tf;
            waitingForKeyframe[t] = config.kind() == MediaKind.VIDEO;
        } else if (tf.config() != null && !tf.config().sameSetup(config)) {
            emit(tf.cut(null));   // fragments after this one need the new init segment
            waitingForKeyframe[t] = config.kind() == MediaKind.VIDEO;
        }
        boolean changed;
        try {
            changed = tf.configure(config);
        } catch (IllegalArgumentException e) {
            LOG.warn("stream '{}' track {} is not recorded: {}", stream, t, e.getMessage());
            inits[t] = null;
            return;
        }
        if (changed) {
            // Stored with the track's next fragment (a second put of the same unit writes nothing), so a store
            // that comes up after the stream started still gets it.
            inits[t] = Unit.of(INIT_TYPE, tf.init());
        }
    }

    @Override
    public void frame(Frame f) {
        int t = f.track();
        if (t >= TrackConfig.FIRST_DERIVED_TRACK) {
            return;
        }
        TrackFragmenter tf = tracks[t];
        if (tf == null || inits[t] == null) {
            return;
        }
        boolean video = f.kind() == MediaKind.VIDEO;
        if (f.isDiscontinuity() && !tf.isEmpty()) {
            emit(tf.cut(null));
        }
        if (video && waitingForKeyframe[t]) {
            if (!f.isKeyframe()) {
                return;   // undecodable without the keyframe it refers to
            }
            waitingForKeyframe[t] = false;
        }
        tf.place(f);
        boolean cut = false;
        if (!tf.isEmpty()) {
            if (video) {
                cut = f.isKeyframe();
            } else {
                cut = cutRequested[t] || (!hasVideo() && tf.pendingTicks() >= AUDIO_ONLY_FRAGMENT_TICKS);
            }
            cut |= tf.pendingBytes() + f.size() > maxFragmentBytes;
        }
        if (cut) {
            emit(tf.cut(f));
            if (video && f.isKeyframe()) {
                requestAudioCuts();
            }
            cutRequested[t] = false;
        } else if (video && f.isKeyframe()) {
            requestAudioCuts();
        }
        if (!video) {
            cutRequested[t] = false;
        }
        tf.add(f);
    }

    private void requestAudioCuts() {
        for (int i = 0; i < tracks.length; i++) {
            if (tracks[i] != null && tracks[i].config() != null && tracks[i].config().kind() == MediaKind.AUDIO) {
                cutRequested[i] = true;
            }
        }
    }

    private boolean hasVideo() {
        for (TrackFragmenter tf : tracks) {
            if (tf != null && tf.config() != null && tf.config().kind() == MediaKind.VIDEO) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void flush() {
        for (int t = 0; t < tracks.length; t++) {
            if (tracks[t] != null) {
                emit(tracks[t].cut(null));
                cutRequested[t] = false;
                waitingForKeyframe[t] = tracks[t].config() != null && tracks[t].config().kind() == MediaKind.VIDEO;
            }
        }
    }

    @Override
    public void close() {
        flush();
        for (TrackFragmenter tf : tracks) {
            if (tf != null) {
                tf.release();
            }
        }
    }

    private void emit(Fragment fragment) {
        if (fragment == null) {
            return;
        }
        Unit init = inits[fragment.track()];
        if (init == null) {
            return;
        }
        UnitStore store = stores.get();
        if (store == null) {
            drop(fragment, "no unit store is running");
            return;
        }
        if (inFlight.get() >= maxInFlight) {
            drop(fragment, maxInFlight + " store writes in flight");
            return;
        }
        inFlight.incrementAndGet();
        counters.inFlight.incrementAndGet();
        String trackId = trackId(stream, fragment.track());
        try {
            executor.execute(() -> write(store, fragment, init, trackId));
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            counters.inFlight.decrementAndGet();
            drop(fragment, "the event loop refused the store write");
        }
    }

    /**
     * On the executor: the track's init segment (kept as a NORMAL unit: a DVR window counted from its own write
     * would evict it under the fragments of a long stream that still need it; a few hundred bytes), then the
     * fragment, then its index entry.
     */
    private void write(UnitStore store, Fragment fragment, Unit init, String trackId) {
        try {
            Unit unit = Unit.of(FRAGMENT_TYPE, List.of(init.id()), fragment.bytes());
            store.put(init, PutOptions.DEFAULT)
                    .thenCompose(i -> store.put(unit, fragmentOptions))
                    .thenCompose(id -> store.timeIndex().add(trackId, fragment.startMicros(), fragment.endMicros(), id))
                    .whenComplete((v, e) -> done(fragment, e));
        } catch (RuntimeException e) {
            done(fragment, e);
        }
    }

    private void done(Fragment fragment, Throwable e) {
        inFlight.decrementAndGet();
        counters.inFlight.decrementAndGet();
        if (e != null) {
            counters.failures.incrementAndGet();
            LOG.warn("stream '{}' track {}: fragment [{}, {}) not recorded: {}", stream, fragment.track(),
                    fragment.startMicros(), fragment.endMicros(), e.toString());
        } else {
            counters.written.incrementAndGet();
            counters.bytes.addAndGet(fragment.bytes().length);
        }
    }

    /** Fragments not yet stored and indexed. */
    public int inFlight() {
        return inFlight.get();
    }

    private void drop(Fragment fragment, String why) {
        counters.dropped.incrementAndGet();
        if (dropped++ % 100 == 0) {   // the first drop and every 100th: a slow disk must not flood the log
            LOG.warn("stream '{}' track {}: fragment [{}, {}) dropped from the recording ({} dropped so far): {}",
                    stream, fragment.track(), fragment.startMicros(), fragment.endMicros(), dropped, why);
        }
    }
}
