package org.stateos.transcoder.internal.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.transcoder.internal.codec.AudioCodec;
import org.stateos.transcoder.internal.codec.AudioSpecificConfig;
import org.stateos.transcoder.internal.codec.CodecFactory;
import org.stateos.transcoder.internal.codec.CodecListener;
import org.stateos.transcoder.internal.codec.OpusPacket;
import org.stateos.transcoder.internal.worker.Message;
import org.stateos.transcoder.internal.worker.Wire;

/**
 * The node's one codec worker process and its supervision (isolation {@code process}). All transcodes share it,
 * each pipeline named by an id. When it dies (crash, SIGKILL, a fault inside FFmpeg, out of memory) its stdout
 * ends at once; the exit is logged with its cause and a new worker starts after a backoff ({@link Backoff}); every
 * pipeline still open is opened again in it and its transcode told ({@link CodecListener#restarted}), so viewers
 * get audio back as after a publisher change. Meanwhile AAC units are dropped (counted), video never waits.
 *
 * <p>A worker that has not said READY {@link WorkerOptions#startMillis} after its JVM started is killed as hung in
 * its start; a worker that dies before READY counts as a young death for every pipeline waiting for it, so the
 * restart delays and {@link WorkerOptions#maxCrashes} apply and the transcodes are told rather than dropping their
 * audio unannounced for good.
 *
 * <p>Threads: one supervisor thread of its own (starts, restarts, a stall and start check each second; starting a
 * JVM and checking its class path block, so not on the codec threads) plus the three pipe threads of the running
 * {@link WorkerProcess}.
 */
public final class CodecWorker implements CodecFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CodecWorker.class);

    private final WorkerLauncher launcher;
    private final WorkerOptions options;
    private final Backoff backoff;
    private final ScheduledExecutorService supervisor;
    private final Map<Integer, Channel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile WorkerProcess starting;   // launched, READY not yet seen
    private volatile WorkerProcess ready;      // READY seen, not exited
    private volatile WorkerProcess timedOut;   // the starting worker check() killed for not saying READY in time
    private volatile Instant since;
    private volatile int nativesMillis = -1;
    private volatile String lastExit;
    private volatile int starts;
    private volatile boolean restarting;
    private volatile boolean closed;
    /** Where threads meet (READY, close, attach): a test holds one thread there to show a race; a no-op otherwise. */
    volatile Pause pause = point -> { };

    interface Pause {
        void at(String point);
    }

    public CodecWorker(WorkerLauncher launcher, WorkerOptions options) {
        this.launcher = launcher;
        this.options = options;
        this.backoff = new Backoff(options.restartInitialMillis(), options.restartMaxMillis(), options.healthyMillis());
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1,
                r -> BundleThreads.daemon("stateos-transcoder-worker-supervisor", r));
        s.setRemoveOnCancelPolicy(true);
        this.supervisor = s;
    }

    /** Starts the first worker in the background (at activation, so the first viewer does not wait for it). */
    public void start() {
        supervisor.execute(this::launch);
        supervisor.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    private void launch() {
        restarting = false;
        if (closed) {
            return;
        }
        try {
            List<String> command = launcher.command();
            WorkerProcess p = WorkerProcess.start(command, events);
            starts++;
            since = Instant.now();
            starting = p;
            p.begin();
            LOG.info("transcoder: codec worker {} started{}", p.pid(), starts > 1 ? " (restart " + (starts - 1) + ")" : "");
            if (closed) {
                p.abort();
            }
        } catch (IOException | RuntimeException e) {
            if (closed) {
                return;   // close() interrupted the start: nothing to report or retry
            }
            lastExit = "could not start: " + e.getMessage();
            LOG.error("transcoder: the codec worker could not start: {}", e.toString());
            failedStart(lastExit);
            scheduleRestart(0);
        }
    }

    /**
     * A worker that could not even be launched (its class path refused, no java) is a young death for every pipeline
     * waiting for one, as a worker dying before READY is: else their transcodes would wait without audio and
     * without an error for as long as the launches keep failing.
     */
    private void failedStart(String cause) {
        for (Channel c : channels.values()) {
            if (c.on == null && ++c.crashes >= options.maxCrashes() && channels.remove(c.id, c)) {
                LOG.error("transcoder: pipeline {} waited for the last {} codec workers, none of which started; it is "
                        + "stopped", c.id, c.crashes);
                c.listener.failed("the codec worker could not start " + c.crashes + " times in a row while this "
                        + "stream's audio waited for it (the last: " + cause + ")");
            }
        }
    }

    private void scheduleRestart(long livedMillis) {
        if (closed) {
            return;
        }
        long delay = backoff.after(livedMillis);
        restarting = true;
        LOG.info("transcoder: starting a new codec worker in {} ms", delay);
        supervisor.schedule(this::launch, delay, TimeUnit.MILLISECONDS);
    }

    private void check() {
        WorkerProcess p = ready;
        if (p != null && p.stalled(options.stallMillis())) {
            LOG.error("transcoder: codec worker {} has not read its input for {} ms; killing it as hung", p.pid(),
                    options.stallMillis());
            p.kill();
        }
        WorkerProcess s = starting;
        if (s != null && timedOut != s && s.uptimeMillis() > options.startMillis()) {
            LOG.error("transcoder: codec worker {} has not said READY {} ms after it started; killing it as hung in "
                    + "its start", s.pid(), s.uptimeMillis());
            timedOut = s;
            s.kill();
        }
    }

    private final WorkerProcess.Events events = new WorkerProcess.Events() {
        @Override
        public void message(WorkerProcess from, Message m) {
            try {
                dispatch(from, m);
            } catch (RuntimeException e) {
                LOG.warn("transcoder: handling {} from codec worker {} failed: {}", m.getClass().getSimpleName(),
                        from.pid(), e.toString());   // one transcode's trouble: the worker and the others go on
            }
        }

        private void dispatch(WorkerProcess from, Message m) {
            if (m instanceof Message.Opus o) {
                framesOut.incrementAndGet();
                Channel c = channels.get(o.id());
                if (c != null && c.on == from) {
                    c.listener.packet(new OpusPacket(o.packet(), o.pts(), o.ingestMicros()), o.sourceIngestMicros());
                }
            } else if (m instanceof Message.Error e) {
                Channel c = channels.get(e.id());
                if (c == null || c.on != from) {
                    if (e.id() == 0) {
                        LOG.warn("transcoder: codec worker {}: {}", from.pid(), e.message());
                    }
                    return;
                }
                if (e.kind() == Message.Error.UNIT) {
                    c.listener.unitFailed(e.consecutive(), e.message());
                } else {
                    c.listener.failed(e.message());
                }
            } else if (m instanceof Message.Ready r) {
                onReady(from, r);
            }
        }

        @Override
        public void exited(WorkerProcess from, int code, String cause) {
            Path report = launcher.crashReport(from.pid());
            onExit(from, report == null ? cause : "crashed (" + cause + "; fatal error report " + report + ")");
        }
    };

    private void onReady(WorkerProcess p, Message.Ready r) {
        if (starting != p || closed) {
            return;
        }
        pause.at("ready-checked");
        nativesMillis = r.nativesMillis();
        ready = p;
        starting = null;
        LOG.info("transcoder: codec worker {} ready (FFmpeg natives loaded in {} ms); {} pipeline(s) to open", p.pid(),
                r.nativesMillis(), channels.size());
        for (Channel c : List.copyOf(channels.values())) {
            c.attach(p);
        }
        pause.at("ready-done");
    }

    private void onExit(WorkerProcess p, String exit) {
        if (ready == p) {
            ready = null;
        }
        boolean neverReady = starting == p;
        if (neverReady) {
            starting = null;
        }
        String cause = timedOut == p ? "no READY within " + options.startMillis() + " ms, killed as hung in its start ("
                + exit + ")" : exit;
        boolean healthy = !neverReady && p.uptimeMillis() >= options.healthyMillis();
        List<Channel> blamed = new java.util.ArrayList<>();
        for (Channel c : channels.values()) {
            // before READY no pipeline is open in it: those waiting for it (open in no worker) share its death
            if (c.on == p || (neverReady && c.on == null)) {
                c.on = null;
                c.crashes = healthy ? 0 : c.crashes + 1;   // a healthy worker's death ends the run of young ones
                if (!closed && c.crashes >= options.maxCrashes()) {
                    channels.remove(c.id);
                    blamed.add(c);
                }
            }
        }
        lastExit = cause;
        if (closed) {
            LOG.info("transcoder: codec worker {} stopped: {}", p.pid(), cause);
            return;
        }
        LOG.error("transcoder: codec worker {} died after {} ms: {}; {} transcode(s) lose audio until a new worker "
                + "takes them over (video and the node are untouched)", p.pid(), p.uptimeMillis(), cause, channels.size());
        for (Channel c : blamed) {
            if (neverReady) {
                LOG.error("transcoder: pipeline {} waited for or was in the last {} codec workers, each of which died "
                        + "young, the last before it was READY; it is stopped", c.id, c.crashes);
                c.listener.failed("the codec worker died " + c.crashes + " times in a row while this stream's audio was "
                        + "in it or waited for it (the last before it was ready: " + cause + ")");
            } else {
                LOG.error("transcoder: pipeline {} was in the last {} codec workers, each of which died young; it is "
                        + "stopped so the other streams keep their audio", c.id, c.crashes);
                c.listener.failed("the codec worker died " + c.crashes + " times in a row while this stream's audio was "
                        + "in it (the last: " + cause + "); this stream's audio is taken to crash FFmpeg");
            }
        }
        long lived = neverReady ? 0 : p.uptimeMillis();   // a worker that never started is no healthy run
        try {
            supervisor.execute(() -> scheduleRestart(lived));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing meanwhile: nothing to restart
        }
    }

    @Override
    public AudioCodec open(AudioSpecificConfig asc, byte[] config, int bitrate, CodecListener listener) {
        if (closed) {
            throw new IllegalStateException("the codec worker is stopped");
        }
        Channel c = new Channel(ids.incrementAndGet(), new Message.Open(0, bitrate, config.clone()),
                Math.min(2, asc.channels()), listener);
        channels.put(c.id, c);
        WorkerProcess p = ready;
        if (p != null) {
            c.attach(p);
        }
        return c;
    }

    /** One pipeline in the worker. Its id stays the same across workers (ids are per worker process). */
    private final class Channel implements AudioCodec {
        final int id;
        final byte[] openFrame;
        final int channels;
        final CodecListener listener;
        volatile WorkerProcess on;   // the worker it is open in, null while none
        int crashes;                 // workers in a row that died young while it was open or waited for (the reader
                                     // threads and, for a failed launch, the supervisor: one at a time, no worker runs then)
        private boolean everOpened;  // guarded by this
        private WorkerProcess attaching;   // the worker attach() is opening it in (between its two locked steps);
                                           // guarded by this
        private boolean closed;      // guarded by this

        Channel(int id, Message.Open open, int channels, CodecListener listener) {
            this.id = id;
            this.openFrame = Wire.encode(new Message.Open(id, open.bitrate(), open.audioSpecificConfig()));
            this.channels = channels;
            this.listener = listener;
        }

        /**
         * Opens it in {@code p} once. On a new worker after a crash the transcode first starts a new timeline, then
         * the OPEN goes out, then AAC does: nothing of the new worker's can arrive before the transcode expects it.
         * {@link CodecListener#restarted} runs outside this channel's lock (the transcode takes its own lock there, and
         * closes the channel under it); a close meanwhile is seen after it, and nothing is opened (else the closed
         * channel would stay open in the new worker, with no CLOSE ever to follow).
         */
        void attach(WorkerProcess p) {
            boolean restart;
            synchronized (this) {
                if (on == p || attaching == p || closed) {
                    return;
                }
                attaching = p;
                restart = everOpened;
                everOpened = true;
            }
            if (restart) {
                try {
                    listener.restarted();
                } catch (RuntimeException e) {
                    synchronized (this) {
                        attaching = null;
                    }
                    throw e;
                }
            }
            synchronized (this) {
                attaching = null;
                if (closed) {
                    return;
                }
                if (p.sendControl(openFrame)) {   // refused only by a worker that is ending: the next one opens it
                    pause.at("attach-sent");
                    on = p;
                    // p may have died since the OPEN went out, its exit handled before `on` said p: then nothing
                    // resets it, and a next worker dying before READY would not count against this pipeline (only
                    // pipelines in no worker wait for one), which would wait without audio and without an error for
                    // good. The reader marks p ended before it reports the exit: either we see that here, or
                    // onExit sees on == p (both volatile).
                    if (p.ended()) {
                        on = null;
                    }
                }
            }
        }

        @Override
        public int channels() {
            return channels;
        }

        @Override
        public void submit(byte[] unit, long pts, long ingestMicros) {
            WorkerProcess p = on;
            if (p != null && unit.length >= 1 && unit.length <= Wire.MAX_AAC_UNIT
                    && p.send(Wire.encode(new Message.Aac(id, pts, ingestMicros, unit)))) {
                framesIn.incrementAndGet();
            } else {
                dropped.incrementAndGet();
            }
        }

        @Override
        public void close() {
            WorkerProcess p;
            synchronized (this) {   // with attach(): either it opened the channel (p is that worker) or it never will
                if (closed) {
                    return;
                }
                closed = true;
                p = on;
                on = null;
            }
            CodecWorker.this.channels.remove(id);
            if (p != null) {
                p.sendControl(Wire.encode(new Message.Close(id)));
            }
        }
    }

    public WorkerInfo info() {
        WorkerProcess p = ready != null ? ready : starting;
        String state = closed ? "STOPPED" : ready != null ? "READY" : starting != null ? "STARTING"
                : restarting ? "RESTARTING" : "STARTING";
        return new WorkerInfo(state, p == null ? -1 : p.pid(), p == null ? null : since, Math.max(0, starts - 1),
                lastExit, p == null ? -1 : p.cpuMillis(), p == null ? -1 : p.rssKb(), framesIn.get(), framesOut.get(),
                dropped.get(), channels.size(), nativesMillis);
    }

    /** Stops the worker and the supervisor (bundle stop, swap, isolation change): nothing keeps running. */
    @Override
    public void close() {
        closed = true;
        supervisor.shutdownNow();
        try {
            supervisor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // starting first, then ready: a READY whose check passed before `closed` was set moves its worker the other
        // way (ready set, then starting cleared), so it is seen in one of the two, never in neither (before, read in
        // the other order, a READY between the reads left the worker running after close(), stopped by nobody)
        WorkerProcess s = starting;
        pause.at("close-read-first");
        WorkerProcess r = ready;
        if (r != null) {
            r.stop();
        }
        if (s != null && s != r) {
            s.abort();   // closing stdin would wait for its natives to load; this runs on the framework's refresh thread
        }
        channels.clear();
    }
}
