package org.stateos.media.internal.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaKind;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.Settings;

/**
 * One named stream: its current publication, tracks, GOP cache, viewers and figures. Every method runs under
 * this object's lock, held briefly: the publisher's thread enqueues to each viewer and returns.
 */
final class Stream {
    static final int MAX_TRACKS = 16;
    private static final int ALL_TRACKS = 0xFFFF;

    private final String name;
    private final Settings settings;
    private final StreamRecorder recorder;
    private final GopCache gop;
    // Copy-on-write: a viewer whose executor refuses work detaches itself while the publisher iterates.
    private final List<SubscriberQueue> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();

    private StreamInfo.State state = StreamInfo.State.LIVE;
    private PublicationImpl current;
    private String origin = "";
    private long sinceMicros;
    private long lastActivityMicros;
    /** Counts publications and departures, so a stale grace timer recognises it is stale. */
    private long epoch;
    private Runnable cancelGrace;
    private boolean ended;
    private long frames;
    /** The configuration per track the current (or last) publisher declared, in stream versions. */
    private final TrackConfig[] tracks = new TrackConfig[MAX_TRACKS];
    /** The highest version each track ever had, so a new publisher's configurations number on from it. */
    private final int[] lastVersion = new int[MAX_TRACKS];
    private final RateMeter[] rates = new RateMeter[MAX_TRACKS];
    /** Tracks whose next frame is flagged DISCONTINUITY (a publisher came back or took over). */
    private int discontinuityTracks;
    /** Publications of derived tracks, and which one owns each derived track index. */
    private final List<DerivedPublication> derived = new ArrayList<>();
    private final DerivedPublication[] derivedOwner = new DerivedPublication[MAX_TRACKS];

    Stream(String name, Settings settings, StreamRecorder recorder) {
        this.name = name;
        this.settings = settings;
        this.recorder = recorder;
        this.gop = new GopCache(settings.gopMaxBytes());
    }

    String name() {
        return name;
    }

    // ---- publisher side ----

    synchronized boolean isLive() {
        return !ended && current != null;
    }

    synchronized PublicationImpl current() {
        return current;
    }

    synchronized long silentMicros(long nowMicros) {
        return nowMicros - lastActivityMicros;
    }

    synchronized String origin() {
        return origin;
    }

    synchronized long sinceMicros() {
        return sinceMicros;
    }

    synchronized boolean ended() {
        return ended;
    }

    synchronized long epoch() {
        return epoch;
    }

    /** Makes {@code p} the publisher; returns the one it replaces (already marked closed), or null. */
    synchronized PublicationImpl attach(PublicationImpl p, long nowMicros) {
        PublicationImpl old = current;
        boolean resumed = old != null || state == StreamInfo.State.WAITING;
        if (old != null) {
            old.markClosed();
            departed();
        }
        if (cancelGrace != null) {
            cancelGrace.run();
            cancelGrace = null;
        }
        epoch++;
        current = p;
        origin = p.origin();
        sinceMicros = nowMicros;
        lastActivityMicros = nowMicros;
        state = StreamInfo.State.LIVE;
        // Derived tracks stay: their owner follows the new publisher's tracks itself.
        java.util.Arrays.fill(tracks, 0, TrackConfig.FIRST_DERIVED_TRACK, null);
        if (resumed) {
            discontinuityTracks = ALL_TRACKS;
        }
        return old;
    }

    /** The current publisher is gone: viewers wait, the GOP is no longer decodable ahead of a new timeline. */
    private void departed() {
        current = null;
        gop.clear();
        if (recorder != null) {
            recorder.flush();
        }
        for (SubscriberQueue s : subscribers) {
            s.offerPublisherGone();
        }
    }

    synchronized void track(PublicationImpl p, TrackConfig config) {
        if (current != p) {
            return;
        }
        int t = config.track();
        if (config.derived()) {
            throw new IllegalArgumentException("stream '" + name + "': publishers use track indices 0.."
                    + (TrackConfig.FIRST_DERIVED_TRACK - 1) + "; " + t + " is for derived tracks");
        }
        int v = p.streamVersion(t, config.version());
        if (v <= lastVersion[t]) {
            p.renumber(t, config.version(), lastVersion[t] + 1);
            v = lastVersion[t] + 1;
        }
        TrackConfig c = v == config.version() ? config : config.withVersion(v);
        TrackConfig previous = tracks[t];
        if (previous != null && previous.codec() != c.codec()) {
            throw new IllegalArgumentException("stream '" + name + "': track " + t + " changes codec from "
                    + previous.codec() + " to " + c.codec() + "; a track keeps its codec");
        }
        tracks[t] = c;
        lastVersion[t] = v;
        if (rates[t] == null) {
            rates[t] = new RateMeter(settings.rateWindowMicros());
        }
        if (recorder != null) {
            recorder.track(c);
        }
        for (SubscriberQueue s : subscribers) {
            s.offerTrack(c);
        }
    }

    /** Takes over the publisher's reference to {@code frame}. */
    synchronized void frame(PublicationImpl p, Frame frame, long nowMicros) {
        if (current != p || ended) {
            frame.release();
            return;
        }
        int t = frame.track();
        TrackConfig config = t >= 0 && t < MAX_TRACKS ? tracks[t] : null;
        if (config == null) {
            frame.release();
            throw new IllegalStateException("stream '" + name + "': frame for track " + t
                    + " before its configuration (declare the track first)");
        }
        if (config.codec() != frame.codec()) {
            frame.release();
            throw new IllegalArgumentException("stream '" + name + "': " + frame.codec() + " frame on track " + t
                    + " configured as " + config.codec());
        }
        Frame f = normalise(p, frame, t);
        try {
            lastActivityMicros = nowMicros;
            frames++;
            rates[t].add(nowMicros, f.size());
            boolean resumePoint = f.isKeyframe() && (f.kind() == MediaKind.VIDEO || !hasVideo());
            gop.add(f, resumePoint);
            if (recorder != null) {
                recorder.frame(f);
            }
            for (SubscriberQueue s : subscribers) {
                s.offerFrame(f, resumePoint, false);
            }
        } finally {
            f.release();
        }
    }

    // ---- derived tracks ----

    synchronized void attachDerived(DerivedPublication p) {
        derived.add(p);
    }

    synchronized void detachDerived(DerivedPublication p) {
        derived.remove(p);
        for (int t = 0; t < MAX_TRACKS; t++) {
            if (derivedOwner[t] == p) {
                derivedOwner[t] = null;
                tracks[t] = null;   // new viewers no longer see it; attached ones just get no more frames
            }
        }
    }

    synchronized void derivedTrack(DerivedPublication p, TrackConfig config) {
        int t = config.track();
        if (ended || !derived.contains(p)) {
            return;
        }
        if (derivedOwner[t] != null && derivedOwner[t] != p) {
            throw new IllegalStateException("stream '" + name + "': track " + t + " is already derived by "
                    + derivedOwner[t].origin());
        }
        int v = p.streamVersion(t, config.version());
        if (v <= lastVersion[t]) {
            p.renumber(t, config.version(), lastVersion[t] + 1);
            v = lastVersion[t] + 1;
        }
        TrackConfig c = v == config.version() ? config : config.withVersion(v);
        TrackConfig previous = tracks[t];
        if (previous != null && previous.codec() != c.codec()) {
            throw new IllegalArgumentException("stream '" + name + "': track " + t + " changes codec from "
                    + previous.codec() + " to " + c.codec() + "; a track keeps its codec");
        }
        derivedOwner[t] = p;
        tracks[t] = c;
        lastVersion[t] = v;
        if (rates[t] == null) {
            rates[t] = new RateMeter(settings.rateWindowMicros());
        }
        for (SubscriberQueue s : subscribers) {
            s.offerTrack(c);
        }
    }

    /**
     * A derived frame: cached and fanned out like the publisher's, never a resume point, never recorded, and it
     * does not count as publisher activity (a transcode must not keep a silent publisher's name busy). Dropped
     * while the stream waits for a publisher. Takes over the caller's reference.
     */
    synchronized void derivedFrame(DerivedPublication p, Frame frame, long nowMicros) {
        int t = frame.track();
        if (ended || current == null || t < 0 || t >= MAX_TRACKS || derivedOwner[t] != p) {
            frame.release();
            return;
        }
        TrackConfig config = tracks[t];
        if (config.codec() != frame.codec()) {
            frame.release();
            throw new IllegalArgumentException("stream '" + name + "': " + frame.codec() + " frame on derived track "
                    + t + " configured as " + config.codec());
        }
        int v = p.streamVersion(t, frame.configVersion());
        int bit = 1 << t;
        boolean disc = (discontinuityTracks & bit) != 0;
        Frame f = frame;
        if (v != frame.configVersion() || disc) {
            discontinuityTracks &= ~bit;
            f = new Frame(t, frame.codec(), frame.dts(), frame.pts(), frame.ingestMicros(),
                    frame.flags() | (disc ? Frame.DISCONTINUITY : 0), v, frame.payload());
        }
        try {
            rates[t].add(nowMicros, f.size());
            gop.add(f, false);
            for (SubscriberQueue s : subscribers) {
                s.offerFrame(f, false, false);
            }
        } finally {
            f.release();
        }
    }

    /** The frame in stream versions and with the discontinuity flag where due; owns the caller's reference. */
    private Frame normalise(PublicationImpl p, Frame frame, int t) {
        int v = p.streamVersion(t, frame.configVersion());
        int bit = 1 << t;
        boolean disc = (discontinuityTracks & bit) != 0;
        if (v == frame.configVersion() && !disc) {
            return frame;
        }
        discontinuityTracks &= ~bit;
        // A new Frame over the same payload takes over the frame's one reference.
        return new Frame(t, frame.codec(), frame.dts(), frame.pts(), frame.ingestMicros(),
                frame.flags() | (disc ? Frame.DISCONTINUITY : 0), v, frame.payload());
    }

    private boolean hasVideo() {
        for (TrackConfig c : tracks) {
            if (c != null && c.kind() == MediaKind.VIDEO) {
                return true;
            }
        }
        return false;
    }

    /** The publisher closed: viewers wait for the grace period. Returns false if it was not the publisher. */
    synchronized boolean publisherClosed(PublicationImpl p, Runnable cancelGrace) {
        if (current != p || ended) {
            if (cancelGrace != null) {
                cancelGrace.run();
            }
            return false;
        }
        departed();
        epoch++;
        state = StreamInfo.State.WAITING;
        this.cancelGrace = cancelGrace;
        return true;
    }

    // ---- viewer side ----

    /** Attaches a viewer: current configurations, then the cached GOP, then live frames. */
    synchronized SubscriberQueue subscribe(StreamSubscriber subscriber, Executor executor) {
        SubscriberQueue q = new SubscriberQueue(this, subscriber, executor, settings.queueMaxFrames(),
                settings.queueMaxBytes(), dropped);
        for (TrackConfig c : tracks) {
            if (c != null) {
                q.offerTrack(c);
            }
        }
        if (gop.valid()) {
            for (Frame f : gop.frames()) {
                q.offerFrame(f, false, true);
            }
        } else {
            q.startSkipping();
        }
        subscribers.add(q);
        return q;
    }

    synchronized void detach(SubscriberQueue q) {
        subscribers.remove(q);
    }

    /**
     * Ends the stream: returns the publication to tell (or null) and the viewers to end. The caller calls
     * them outside this lock.
     */
    synchronized Ended end() {
        if (ended) {
            return new Ended(null, List.of());
        }
        ended = true;
        PublicationImpl p = current;
        if (p != null) {
            p.markClosed();
        }
        current = null;
        if (cancelGrace != null) {
            cancelGrace.run();
            cancelGrace = null;
        }
        gop.clear();
        if (recorder != null) {
            recorder.close();
        }
        List<SubscriberQueue> subs = List.copyOf(subscribers);
        subscribers.clear();
        List<DerivedPublication> ds = List.copyOf(derived);
        derived.clear();
        ds.forEach(DerivedPublication::markClosed);
        return new Ended(p, subs, ds);
    }

    record Ended(PublicationImpl publication, List<SubscriberQueue> subscribers, List<DerivedPublication> derived) {
        Ended(PublicationImpl publication, List<SubscriberQueue> subscribers) {
            this(publication, subscribers, List.of());
        }

        void notify(String reason) {
            if (publication != null) {
                publication.ended(reason);
            }
            for (DerivedPublication d : derived) {
                d.ended(reason);
            }
            for (SubscriberQueue s : subscribers) {
                s.end(reason);
            }
        }
    }

    synchronized StreamInfo info(long nowMicros) {
        List<StreamInfo.TrackInfo> ts = new ArrayList<>();
        long bitrate = 0;
        for (int i = 0; i < MAX_TRACKS; i++) {
            if (tracks[i] != null) {
                long b = rates[i].bitsPerSecond(nowMicros);
                if (i < TrackConfig.FIRST_DERIVED_TRACK) {
                    bitrate += b;   // the ingest bitrate: derived tracks are computed here, not received
                }
                ts.add(new StreamInfo.TrackInfo(tracks[i], b, rates[i].framesPerSecond(nowMicros)));
            }
        }
        return new StreamInfo(name, state, origin, Instant.EPOCH.plusNanos(sinceMicros * 1000), ts, bitrate,
                subscribers.size(), frames, dropped.get());
    }

    synchronized long gopBytes() {
        return gop.bytes();
    }
}
