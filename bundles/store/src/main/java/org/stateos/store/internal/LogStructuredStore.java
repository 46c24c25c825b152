package org.stateos.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.node.NodeIdentity;
import org.stateos.api.sched.RealtimeScheduling;
import org.stateos.store.AcceptResult;
import org.stateos.store.BlobRef;
import org.stateos.store.CasResult;
import org.stateos.store.FsckReport;
import org.stateos.store.HeadListener;
import org.stateos.store.ObjectId;
import org.stateos.store.PutOptions;
import org.stateos.store.Registration;
import org.stateos.store.ReplicaOracle;
import org.stateos.store.Retention;
import org.stateos.store.RetentionClass;
import org.stateos.store.SignedHead;
import org.stateos.store.StoreClosedException;
import org.stateos.store.StoreStats;
import org.stateos.store.TimeIndex;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitStore;
import org.stateos.store.UnitView;
import org.stateos.store.internal.log.BlockDevice;
import org.stateos.store.internal.log.DeviceFormatException;
import org.stateos.store.internal.log.FileBlockDevice;
import org.stateos.store.internal.log.LogConfig;
import org.stateos.store.internal.log.LogStructuredLog;
import org.stateos.store.internal.log.RecordLog;

/**
 * The unit store service: opens the device and the engine, and delegates to a {@link StoreCore}.
 *
 * <p>Activation does not fail when the device cannot be opened (it holds a file system, the disk is gone):
 * the component stays up, every operation fails with {@link StoreClosedException} naming the reason, and
 * store:stats shows it, so that an operator at the console can repair it with store:format.
 */
@Component(service = {UnitStore.class, StoreAdmin.class}, configurationPid = StoreConfig.PID)
@Designate(ocd = StoreConfig.class)
public final class LogStructuredStore implements UnitStore, StoreAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(LogStructuredStore.class);

    private final StoreConfig config;
    private final NodeIdentity identity;
    private final Path path;
    private final LogConfig logConfig;
    private final StoreSettings settings;
    private final HeadListeners listeners = new HeadListeners();
    private final Object lifecycle = new Object();

    // The mesh registers a ReplicaOracle later; until then, every unit is treated as the last copy.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ReplicaOracle oracle;

    private volatile StoreCore core;
    private volatile String problem;
    private BlockDevice device;      // guarded by lifecycle
    private RecordLog log;           // guarded by lifecycle

    @Activate
    public LogStructuredStore(StoreConfig config, @Reference NodeIdentity identity) {
        this.config = config;
        this.identity = identity;
        this.path = resolve(config.device_path(), System.getProperty("karaf.data"));
        this.settings = settings(config);
        this.logConfig = logConfig(config.unit_max_bytes(), config.checkpoint_interval_bytes(),
                config.checkpoint_interval_seconds()).withRealtimePriority(RealtimeScheduling.priorityFor(
                        config.log_realtime_priority(), Runtime.getRuntime().availableProcessors()));
        synchronized (lifecycle) {
            try {
                open();
            } catch (IOException | RuntimeException e) {
                problem = e.getMessage();
                LOG.error("unit store not open: {}", e.getMessage(), e);
            }
        }
    }

    /** The engine's configuration for a unit store (also what the store benchmark opens its engine with). */
    public static LogConfig logConfig(int unitMaxBytes, long checkpointBytes, int checkpointSeconds) {
        return LogConfig.defaults()
                // unit metadata and time index entries: one small record per unit or fragment, read at every
                // start-up; kept inline, they come from the checkpoint instead of one device read each
                .withInlineKinds(RecordKinds.INLINE)
                .withMaxValueBytes(Math.max(unitMaxBytes, 64 * 1024))
                .withCheckpointInterval(checkpointBytes, Duration.ofSeconds(Math.max(1, checkpointSeconds)));
    }

    /** {@code ${karaf.data}} replaced by the data directory (or {@code data} when not in Karaf). */
    static Path resolve(String configured, String karafData) {
        String data = karafData == null || karafData.isBlank() ? "data" : karafData;
        return Paths.get(configured.replace("${karaf.data}", data)).toAbsolutePath().normalize();
    }

    static StoreSettings settings(StoreConfig c) {
        Map<RetentionClass, Long> q = new EnumMap<>(RetentionClass.class);
        q.put(RetentionClass.PINNED, c.quota_pinned_bytes());
        q.put(RetentionClass.NORMAL, c.quota_normal_bytes());
        q.put(RetentionClass.DVR, c.quota_dvr_bytes());
        q.put(RetentionClass.CACHE, c.quota_cache_bytes());
        return new StoreSettings(c.unit_max_bytes(), c.cache_unit_bytes(), q, c.evict_high_percent(),
                c.evict_low_percent(), c.heads_walk_max_units(), c.hlc_max_skew_ms(), c.verify_hash_on_read());
    }

    /** Opens device, engine and core; formats a blank device (never one that holds something). */
    private void open() throws IOException {
        if (device == null) {
            Path dir = path.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            device = FileBlockDevice.open(path, config.device_size_bytes());
        }
        try {
            log = LogStructuredLog.open(device, logConfig);
        } catch (DeviceFormatException e) {
            // Blank (a new file): format. Anything else (file system, partition table): format refuses.
            try {
                LogStructuredLog.format(device, logConfig, false);
            } catch (DeviceFormatException refused) {
                device.close();
                device = null;
                throw new IOException("device " + path + " holds " + refused.found()
                        + ": not formatting it. Check device.path, or run store:format --overwrite", refused);
            }
            LOG.info("formatted new unit store on {}", path);
            log = LogStructuredLog.open(device, logConfig);
        }
        DeviceInfo info = new DeviceInfo(path.toString(), device.direct(), device.size());
        if (!device.direct()) {
            LOG.warn("unit store on {}: O_DIRECT refused by the file system, using buffered I/O + force", path);
        }
        core = StoreCore.open(log, settings, identity, () -> oracle, System::currentTimeMillis, info, listeners);
        problem = null;
    }

    @Deactivate
    void close() {
        synchronized (lifecycle) {
            closeQuietly();
        }
        listeners.close(); // the listener thread; it outlives a store:format, not the component
    }

    /** Closes core and engine; the engine closes the device it was opened on ("closing the log closes the device"). */
    private void closeQuietly() {
        StoreCore c = core;
        core = null;
        if (c != null) {
            c.close();
        }
        try {
            if (log != null) {
                log.close();
            } else if (device != null) {
                device.close();
            }
        } catch (IOException e) {
            LOG.warn("closing the unit store on {}: {}", path, e.toString());
        }
        log = null;
        device = null;
    }

    private StoreCore core() throws StoreClosedException {
        StoreCore c = core;
        if (c == null) {
            String p = problem;
            throw new StoreClosedException(p == null ? "the unit store is closed" : "the unit store is not open: " + p);
        }
        return c;
    }

    private static <T> CompletableFuture<T> closed(StoreClosedException e) {
        return CompletableFuture.failedFuture(e);
    }

    // ---------------------------------------------------------------- StoreAdmin

    @Override
    public String devicePath() {
        return path.toString();
    }

    @Override
    public boolean isOpen() {
        return core != null;
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public void format(boolean overwriteForeign) throws IOException {
        synchronized (lifecycle) {
            boolean wasOpen = core != null;
            closeQuietly();
            try {
                if (device == null) {
                    Path dir = path.getParent();
                    if (dir != null && !Files.isDirectory(dir)) {
                        Files.createDirectories(dir);
                    }
                    device = FileBlockDevice.open(path, config.device_size_bytes());
                }
                LogStructuredLog.format(device, logConfig, wasOpen || overwriteForeign);
                LOG.warn("unit store on {} formatted from the shell", path);
                open();
            } catch (IOException | RuntimeException e) {
                problem = "format failed: " + e.getMessage();
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- UnitStore, delegated

    @Override
    public CompletionStage<UnitId> put(Unit unit, PutOptions options) {
        try {
            return core().put(unit, options);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public CompletionStage<Optional<Unit>> get(UnitId id) {
        try {
            return core().get(id);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public Optional<Unit> read(UnitId id) throws IOException {
        return core().read(id);
    }

    @Override
    public Optional<UnitView> readView(UnitId id) throws IOException {
        return core().readView(id);
    }

    @Override
    public CompletionStage<Optional<UnitView>> getView(UnitId id) {
        try {
            return core().getView(id);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public CompletionStage<Boolean> has(UnitId id) {
        try {
            return core().has(id);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public CompletionStage<Boolean> retain(UnitId id, Retention retention) {
        try {
            return core().retain(id, retention);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public CompletionStage<BlobRef> putStream(InputStream in, PutOptions options) {
        try {
            return core().putStream(in, options);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public InputStream openStream(UnitId root) throws IOException {
        return core().openStream(root);
    }

    @Override
    public List<SignedHead> heads(ObjectId object) {
        StoreCore c = core;
        return c == null ? List.of() : c.heads(object);
    }

    @Override
    public Set<ObjectId> objects() {
        StoreCore c = core;
        return c == null ? Set.of() : c.objects();
    }

    @Override
    public CompletionStage<CasResult> compareAndSetHeads(ObjectId object, Set<UnitId> expected, UnitId next) {
        try {
            return core().compareAndSetHeads(object, expected, next);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public CompletionStage<CasResult> delete(ObjectId object, Set<UnitId> expected) {
        try {
            return core().delete(object, expected);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public CompletionStage<AcceptResult> acceptRemoteHead(SignedHead head) {
        try {
            return core().acceptRemoteHead(head);
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public Registration addHeadListener(ObjectId object, HeadListener listener) {
        if (object == null) {
            throw new IllegalArgumentException("object is null; use addHeadListener(listener) for all objects");
        }
        return listeners.add(object, listener);
    }

    @Override
    public Registration addHeadListener(HeadListener listener) {
        return listeners.add(null, listener);
    }

    @Override
    public TimeIndex timeIndex() {
        StoreCore c = core;
        if (c == null) {
            throw new IllegalStateException("the unit store is not open" + (problem == null ? "" : ": " + problem));
        }
        return c.timeIndex();
    }

    @Override
    public StoreStats stats() {
        StoreCore c = core;
        if (c == null) {
            throw new IllegalStateException("the unit store is not open" + (problem == null ? "" : ": " + problem));
        }
        return c.stats();
    }

    @Override
    public CompletionStage<FsckReport> fsck() {
        try {
            return core().fsck();
        } catch (StoreClosedException e) {
            return closed(e);
        }
    }

    @Override
    public int maxUnitBytes() {
        return settings.maxUnitBytes();
    }
}
