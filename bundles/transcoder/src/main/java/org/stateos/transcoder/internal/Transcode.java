package org.stateos.transcoder.internal;

import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.MediaKind;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.api.media.TrackConfig;
import org.stateos.transcoder.internal.codec.AudioCodec;
import org.stateos.transcoder.internal.codec.AudioSpecificConfig;
import org.stateos.transcoder.internal.codec.CodecFactory;
import org.stateos.transcoder.internal.codec.CodecListener;
import org.stateos.transcoder.internal.codec.OpusPacket;
import org.stateos.transcoder.internal.codec.TranscodeException;

/**
 * One stream's AAC → Opus: subscribed to the stream on the transcoder's codec threads (never the ingest's), it
 * decodes the first audio track and publishes Opus on derived track {@link #TRACK}. Broken input (a bad
 * AudioSpecificConfig, access units that keep failing, a codec error) stops this transcode with an error; the
 * stream and its video are never touched. Codec calls and {@link #stop} hold {@link #codecLock}, so native
 * objects are never freed under a running call. The Opus packets leave through an {@link OpusPacer}, 20 ms apart on
 * the audio's arrival line (the why is there); the pacer publishes without {@link #codecLock}.
 *
 * <p>The codecs run where the {@link CodecFactory} puts them: in this process, results come back inside the codec
 * call; in the codec worker process (isolation {@code process}), they come back on the worker's reader thread, and
 * a worker that died and was restarted re-opens the pipeline as a new timeline ({@link Sink#restarted}).
 */
final class Transcode implements StreamSubscriber {
    static final int TRACK = TrackConfig.FIRST_DERIVED_TRACK;
    private static final Logger LOG = LoggerFactory.getLogger(Transcode.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String stream;
    private final Settings settings;
    private final CodecFactory codecs;
    private final Instant started = Instant.now();
    private final Object codecLock = new Object();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private volatile String error;
    private volatile boolean stopped;
    private volatile String source = "-";
    private volatile Subscription subscription;
    private volatile Publication derived;
    private volatile OpusPacer pacer;
    private volatile int derivedVersion;
    private volatile ScheduledExecutorService codecThreads;
    /** The listener of the codec now open; results of an older one are ignored. */
    private volatile Sink sink;
    private final AtomicBoolean discontinuity = new AtomicBoolean();
    /** The pacer's clock: wall-clock microseconds, as frames' ingest times are. */
    private final LongSupplier wallMicros = () -> Math.multiplyExact(System.currentTimeMillis(), 1000L);
    /** Input frames not transcoded because they entered too long ago (counted with the pacer's stale packets). */
    private final AtomicLong staleInputs = new AtomicLong();

    // Under codecLock
    private int sourceTrack = -1;
    private TrackConfig sourceConfig;
    private AudioCodec pipeline;

    Transcode(String stream, Settings settings, CodecFactory codecs) {
        this.stream = stream;
        this.settings = settings;
        this.codecs = codecs;
    }

    /** Publishes the derived track and subscribes; callbacks and the pacer's timers run on {@code codecThreads}. */
    void start(MediaService media, ScheduledExecutorService codecThreads) throws StreamNotFoundException {
        this.codecThreads = codecThreads;
        pacer = new OpusPacer(settings.paceDelayMillis() * 1000L, settings.paceMaxLateMillis() * 1000L, codecThreads,
                wallMicros, p -> publish(p, codecThreads));
        derived = media.publishDerived(stream, "transcoder aac->opus", reason -> stop("stream ended: " + reason, false));
        try {
            subscription = media.subscribe(stream, this, codecThreads);
        } catch (StreamNotFoundException | RuntimeException e) {
            derived.close();
            throw e;
        }
        LOG.info("transcoder: stream '{}': AAC->Opus started", stream);
    }

    String stream() {
        return stream;
    }

    boolean stopped() {
        return stopped;
    }

    String error() {
        return error;
    }

    @Override
    public void onTrack(TrackConfig config) {
        if (config.derived() || config.kind() != MediaKind.AUDIO) {
            return;
        }
        synchronized (codecLock) {
            if (stopped || (sourceTrack >= 0 && sourceTrack != config.track())) {
                return;
            }
            sourceTrack = config.track();
            if (sourceConfig != null && sourceConfig.sameSetup(config) && pipeline != null) {
                return;
            }
            sourceConfig = config;
            source = "track " + config.track() + " " + config.codec() + " " + config.sampleRate() + " Hz x"
                    + config.channels();
            closePipeline();
            if (config.codec() != Codec.AAC) {
                fail("audio track " + config.track() + " is " + config.codec() + ", not AAC: nothing to transcode");
                return;
            }
            AudioSpecificConfig asc;
            try {
                asc = AudioSpecificConfig.parse(config.config());
            } catch (IllegalArgumentException e) {
                fail("audio track " + config.track() + " has an unusable AudioSpecificConfig: " + e.getMessage());
                return;
            }
            Sink next = new Sink(config.track());
            sink = next;
            try {
                pipeline = codecs.open(asc, config.config(), settings.bitrate(Math.min(2, asc.channels())), next);
            } catch (TranscodeException | RuntimeException | LinkageError e) {
                fail("could not start the codecs for audio track " + config.track() + ": " + e);
                return;
            }
            source = "track " + config.track() + " AAC " + asc.sampleRate() + " Hz x" + asc.channels();
            newDerivedVersion(config.ingestMicros());
        }
    }

    /** Under codecLock: a new Opus timeline (first codec, new publisher, new worker); its first packet says so. */
    private void newDerivedVersion(long ingestMicros) {
        derivedVersion++;
        discontinuity.set(derivedVersion > 1);
        derived.track(new TrackConfig(TRACK, Codec.OPUS, derivedVersion, new byte[0], 0, 0, 48_000,
                pipeline.channels(), ingestMicros));
    }

    @Override
    public void onFrame(Frame frame) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        try {
            synchronized (codecLock) {
                if (stopped || pipeline == null || frame.track() != sourceTrack || frame.codec() != Codec.AAC) {
                    return;
                }
                if (frame.isDiscontinuity() && framesIn.get() > 0) {
                    restartPipeline();   // a new timeline: no Opus packet may mix the two
                    if (pipeline == null) {
                        return;
                    }
                }
                if (staleOnArrival(frame)) {
                    staleInputs.incrementAndGet();
                    return;
                }
                framesIn.incrementAndGet();
                transcode(frame);
            }
        } finally {
            frame.release();
            cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
        }
    }

    /**
     * Whether the frame entered the node longer than {@code pace.max.late.ms} ago: its Opus would be dropped as
     * stale by the pacer anyway, so it is not transcoded. These are the stream's cached frames a starting transcode
     * is handed (1-2 s of AAC): decoding them in one burst, in the codec worker right after its start especially,
     * delayed the first live packets by up to a second, and the browser's audio buffer (and, through lip sync, the
     * video) stayed that deep for the rest of the session.
     */
    private boolean staleOnArrival(Frame frame) {
        long maxLateMicros = settings.paceMaxLateMillis() * 1000L;
        return maxLateMicros > 0 && wallMicros.getAsLong() - frame.ingestMicros() > maxLateMicros;
    }

    private void transcode(Frame frame) {
        byte[] unit = new byte[frame.size()];
        frame.payload().getBytes(frame.payload().readerIndex(), unit);
        pipeline.submit(unit, frame.pts(), frame.ingestMicros());
    }

    /**
     * One open codec's results. In process they arrive inside {@link AudioCodec#submit} (codecLock held); from the
     * worker on its reader thread, where failures are handed to a codec thread (they take codecLock and unsubscribe).
     */
    private final class Sink implements CodecListener {
        private final int track;

        Sink(int track) {
            this.track = track;
        }

        private boolean current() {
            return sink == this && !stopped;
        }

        @Override
        public void packet(OpusPacket p, long sourceIngestMicros) {
            if (current()) {
                pacer.offer(p, sourceIngestMicros);
            }
        }

        @Override
        public void unitFailed(int consecutive, String message) {
            if (!current()) {
                return;
            }
            errors.incrementAndGet();
            if (consecutive >= settings.maxConsecutiveErrors()) {
                failFromCodec(consecutive + " AAC access units in a row of audio track " + track
                        + " failed to decode (the last: " + message + ")");
            } else {
                LOG.debug("transcoder: stream '{}': {}", stream, message);
            }
        }

        @Override
        public void failed(String message) {
            if (current()) {
                failFromCodec(message);
            }
        }

        private void failFromCodec(String why) {
            if (Thread.holdsLock(codecLock)) {
                fail(why);
            } else {
                try {
                    codecThreads.execute(() -> {
                        if (current()) {
                            fail(why);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // the transcoder is stopping: this transcode stops with it
                }
            }
        }

        @Override
        public void restarted() {
            synchronized (codecLock) {
                if (!current() || pipeline == null) {
                    return;
                }
                pacer.reset();   // the old worker's timeline: out before anything of the new one
                newDerivedVersion(System.currentTimeMillis() * 1000L);
                LOG.info("transcoder: stream '{}': AAC->Opus re-opened in the new codec worker (derived track version {})",
                        stream, derivedVersion);
            }
        }
    }

    /** Called by the pacer (under its lock, never under {@link #codecLock}) when a packet is due. */
    private void publish(OpusPacket p, ScheduledExecutorService codecThreads) {
        if (stopped) {
            return;
        }
        int flags = Frame.KEYFRAME | (discontinuity.getAndSet(false) ? Frame.DISCONTINUITY : 0);
        try {
            derived.frame(new Frame(TRACK, Codec.OPUS, p.pts(), p.pts(), p.ingestMicros(), flags, derivedVersion,
                    Unpooled.wrappedBuffer(p.data())));
        } catch (RuntimeException e) {
            // fail() takes the codec lock: not here, under the pacer's (the codec thread takes them the other way)
            codecThreads.execute(() -> fail("publishing Opus failed: " + e));
            return;
        }
        framesOut.incrementAndGet();
    }

    private void restartPipeline() {
        TrackConfig c = sourceConfig;
        sourceConfig = null;
        closePipeline();
        onTrack(c);
        discontinuity.set(true);
    }

    @Override
    public void onPublisherGone() {
        synchronized (codecLock) {
            closePipeline();   // the next publisher's configuration (re)starts it
            sourceConfig = null;
            sourceTrack = -1;
        }
    }

    @Override
    public void onEnd(String reason) {
        stop("stream ended: " + reason, false);
    }

    /** Stops with an error: logged once, clearly, as what a viewer's missing audio comes from. */
    private void fail(String why) {
        errors.incrementAndGet();
        LOG.error("transcoder: stream '{}': {}; the transcode stops (WebRTC viewers lose audio, video and the stream "
                + "are untouched)", stream, why);
        error = why;
        stop(why, false);
    }

    /** Ends the transcode (idempotent, any thread): unsubscribes, unpublishes, frees the codecs. */
    void stop(String why, boolean log) {
        Subscription s;
        Publication d;
        synchronized (codecLock) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (pacer != null) {
                pacer.close();
            }
            closePipeline();
            s = subscription;
            d = derived;
        }
        if (log) {
            LOG.info("transcoder: stream '{}': AAC->Opus stopped: {}", stream, why);
        }
        if (s != null) {
            s.close();
        }
        if (d != null) {
            d.close();
        }
    }

    private void closePipeline() {
        if (!stopped && pacer != null) {
            pacer.reset();   // what still waits belongs to the old timeline: out before anything of the next
        }
        sink = null;
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
        }
    }

    TranscodeInfo info(int leases) {
        String state = error != null ? "FAILED" : stopped ? "STOPPED" : leases == 0 ? "IDLE" : "RUNNING";
        long[] pacing = pacer == null ? new long[3] : pacer.counts();
        return new TranscodeInfo(stream, state, leases, source, framesIn.get(), framesOut.get(), errors.get(),
                cpuNanos.get() / 1_000_000, error, started, pacing[0], pacing[1], pacing[2] + staleInputs.get());
    }
}
