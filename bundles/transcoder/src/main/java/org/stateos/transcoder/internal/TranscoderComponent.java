package org.stateos.transcoder.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.TranscodeLease;
import org.stateos.api.media.TranscodeService;
import org.stateos.transcoder.internal.codec.AacToOpus;
import org.stateos.transcoder.internal.codec.CodecFactory;
import org.stateos.transcoder.internal.codec.LocalCodec;
import org.stateos.transcoder.internal.codec.TranscodeException;
import org.stateos.transcoder.internal.process.BundleClassPath;
import org.stateos.transcoder.internal.process.BundleThreads;
import org.stateos.transcoder.internal.process.CodecWorker;
import org.stateos.transcoder.internal.process.WorkerInfo;
import org.stateos.transcoder.internal.process.WorkerLauncher;
import org.stateos.transcoder.internal.process.WorkerOptions;

/**
 * The {@link TranscodeService}: one {@link Transcode} per stream, shared by its leases, stopped a grace after the
 * last lease closes. Codec work runs on this component's own threads ({@link TranscoderConfig#threads()}, 1 by
 * default): not on the node's Netty event loops, whose sockets must never wait behind a codec, and not on the
 * ingest's. The same threads run the stop timers. FFmpeg itself runs in the node's one {@link CodecWorker} process
 * (isolation {@code process}, the default) or on those threads (isolation {@code in-process}).
 */
@Component(service = {TranscodeService.class, TranscoderStatus.class}, configurationPid = TranscoderComponent.PID)
@Designate(ocd = TranscoderConfig.class)
public final class TranscoderComponent implements TranscodeService, TranscoderStatus {
    public static final String PID = "org.stateos.transcoder";
    private static final Logger LOG = LoggerFactory.getLogger(TranscoderComponent.class);

    private final Settings settings;
    private final MediaService media;
    private final ScheduledThreadPoolExecutor threads;
    private final CodecWorker worker;   // null: the codecs run in this process
    private final CodecFactory codecs;
    private final Map<String, Transcode> transcodes = new HashMap<>();   // guarded by this
    private final Map<Transcode, Integer> leases = new HashMap<>();      // guarded by this
    private boolean closed;                                              // guarded by this

    @Activate
    public TranscoderComponent(TranscoderConfig config, @Reference MediaService media, BundleContext context) {
        this(Settings.of(config), media, codecWorker(config, context));
        if (worker != null) {
            worker.start();   // pre-started, as the natives are preloaded in process: the first viewer never waits
        } else if (config.preload_natives()) {
            threads.execute(TranscoderComponent::preloadNatives);
        }
    }

    /**
     * The codec worker for isolation {@code process}, its classes copied out of this bundle and codec-natives (both
     * verified by the trust gate), run by this JVM's own java; null for {@code in-process}.
     */
    private static CodecWorker codecWorker(TranscoderConfig config, BundleContext context) {
        String isolation = config.isolation().trim();
        if (isolation.equals("in-process")) {
            return null;
        }
        if (!isolation.equals("process")) {
            throw new IllegalArgumentException("isolation must be 'process' or 'in-process', not '" + isolation + "'");
        }
        WorkerOptions options = new WorkerOptions(WorkerOptions.parse(config.worker_jvm_options()),
                config.worker_restart_initial_ms(), config.worker_restart_max_ms(), config.worker_healthy_ms(),
                config.worker_stall_ms(), config.worker_max_crashes(), config.worker_start_ms());
        Bundle natives = FrameworkUtil.getBundle(org.bytedeco.javacpp.Loader.class);
        Path classes = context.getDataFile("worker-classpath").toPath();
        String log = System.getProperty("karaf.log");
        String data = System.getProperty("karaf.data");
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir", data == null ? null : data + "/javacpp");
        WorkerLauncher launcher = new WorkerLauncher(new BundleClassPath(context.getBundle(), natives, classes),
                options.jvmOptions(), log == null ? null : Path.of(log), cache);
        return new CodecWorker(launcher, options);
    }

    /**
     * Runs on a codec thread at start: the natives' first load takes seconds of CPU (measured 1.2-4.4 s before the
     * first audio on a loaded 2-core box, with the node's video latency suffering meanwhile), better paid at boot than
     * when the first viewer of a stream with AAC arrives. A failure here is logged; each transcode then fails with
     * its own clear error.
     */
    private static void preloadNatives() {
        long start = System.nanoTime();
        try {
            AacToOpus.loadNatives();
            LOG.info("FFmpeg natives loaded in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (TranscodeException | RuntimeException | LinkageError e) {
            LOG.error("FFmpeg natives cannot be loaded; every transcode will fail: {}", e.toString());
        }
    }

    /** Codecs in this process (tests). */
    public TranscoderComponent(Settings settings, MediaService media) {
        this(settings, media, null);
    }

    /** @param worker the codec worker to use (started by the caller), or null for codecs in this process */
    public TranscoderComponent(Settings settings, MediaService media, CodecWorker worker) {
        this.settings = settings;
        this.media = media;
        this.worker = worker;
        this.codecs = worker != null ? worker : LocalCodec.FACTORY;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> BundleThreads.daemon("stateos-transcoder-" + n.incrementAndGet(), r);
        this.threads = new ScheduledThreadPoolExecutor(settings.threads(), factory);
        this.threads.setRemoveOnCancelPolicy(true);
    }

    @Override
    public synchronized TranscodeLease requestOpus(String stream) throws StreamNotFoundException {
        if (closed) {
            throw new IllegalStateException("the transcoder is stopped");
        }
        Transcode t = transcodes.get(stream);
        if (t == null || (t.stopped() && t.error() == null)) {
            if (transcodes.size() >= settings.maxTranscodes()) {
                throw new IllegalStateException("this node runs its maximum of " + settings.maxTranscodes()
                        + " transcodes");
            }
            t = new Transcode(stream, settings, codecs);
            t.start(media, threads);
            transcodes.put(stream, t);
            leases.put(t, 0);
        }
        leases.merge(t, 1, Integer::sum);
        return new Lease(t);
    }

    private synchronized void release(Transcode t) {
        Integer n = leases.get(t);
        if (n == null) {
            return;   // already stopped and forgotten
        }
        leases.put(t, n - 1);
        if (n - 1 == 0 && !closed) {
            threads.schedule(() -> stopIfIdle(t), settings.stopGraceMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void stopIfIdle(Transcode t) {
        synchronized (this) {
            Integer n = leases.get(t);
            if (n == null || n > 0) {
                return;
            }
            leases.remove(t);
            transcodes.remove(t.stream(), t);
        }
        t.stop("no viewer left for " + settings.stopGraceMillis() + " ms", true);
    }

    @Override
    public synchronized List<TranscodeInfo> transcodes() {
        List<TranscodeInfo> out = new ArrayList<>();
        for (Transcode t : transcodes.values()) {
            out.add(t.info(leases.getOrDefault(t, 0)));
        }
        out.sort(Comparator.comparing(TranscodeInfo::stream));
        return out;
    }

    @Override
    public Optional<WorkerInfo> worker() {
        return worker == null ? Optional.empty() : Optional.of(worker.info());
    }

    /** Stops every transcode, the codec threads and the codec worker (bundle stop, swap): nothing of this bundle keeps running. */
    @Deactivate
    public void close() {
        List<Transcode> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(transcodes.values());
            transcodes.clear();
            leases.clear();
        }
        all.forEach(t -> t.stop("the transcoder is stopping", true));
        threads.shutdownNow();
        if (worker != null) {
            worker.close();
        }
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("transcoder threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Lease implements TranscodeLease {
        private final Transcode transcode;
        private final AtomicInteger open = new AtomicInteger(1);

        Lease(Transcode transcode) {
            this.transcode = transcode;
        }

        @Override
        public String streamName() {
            return transcode.stream();
        }

        @Override
        public int track() {
            return Transcode.TRACK;
        }

        @Override
        public Optional<String> error() {
            return Optional.ofNullable(transcode.error());
        }

        @Override
        public void close() {
            if (open.compareAndSet(1, 0)) {
                release(transcode);
            }
        }
    }
}
