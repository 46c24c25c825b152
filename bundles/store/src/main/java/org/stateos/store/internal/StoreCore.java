package org.stateos.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.node.NodeIdentity;
import org.stateos.store.AcceptResult;
import org.stateos.store.BlobRef;
import org.stateos.store.CasResult;
import org.stateos.store.CorruptUnitException;
import org.stateos.store.DurabilityUnavailableException;
import org.stateos.store.FsckReport;
import org.stateos.store.Head;
import org.stateos.store.HeadChange;
import org.stateos.store.HeadListener;
import org.stateos.store.HeadVerificationException;
import org.stateos.store.IndexEntry;
import org.stateos.store.MalformedUnitException;
import org.stateos.store.ObjectId;
import org.stateos.store.PutOptions;
import org.stateos.store.Registration;
import org.stateos.store.ReplicaOracle;
import org.stateos.store.Retention;
import org.stateos.store.RetentionClass;
import org.stateos.store.SignedHead;
import org.stateos.store.StoreClosedException;
import org.stateos.store.StoreException;
import org.stateos.store.StoreFullException;
import org.stateos.store.StoreStats;
import org.stateos.store.TimeIndex;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitNotFoundException;
import org.stateos.store.UnitStore;
import org.stateos.store.UnitTooLargeException;
import org.stateos.store.UnitView;
import org.stateos.store.internal.log.CorruptRecordException;
import org.stateos.store.internal.log.LogFullException;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.RecordView;

/**
 * The unit store's logic over a {@link RecordLog}: units and their retention metadata, heads, eviction, the
 * time index. Knows nothing of OSGi; the DS component {@link LogStructuredStore} opens the engine and hands
 * it here, and tests hand it an in-memory log.
 *
 * <p>Threads: device reads of {@link #get} run on the store's own read threads ({@value #READ_THREADS}, the
 * device queue depth the benchmark measures), so a caller on an event loop never blocks on the disk; a cache
 * hit completes on the caller's thread. Writes complete on whatever thread completes the engine's append
 * futures. Head operations on one object are serialized by a future chain (not a lock held across I/O);
 * listeners get each object's changes in order on the listeners' own thread ({@link HeadListeners}). The
 * tombstone collector runs on a read thread.
 */
public final class StoreCore implements UnitStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCore.class);
    private static final int META_VERSION = 1;

    private final RecordLog log;
    private final StoreSettings settings;
    private final NodeIdentity identity;
    private final Supplier<ReplicaOracle> oracle;
    private final LongSupplier millis;
    private final DeviceInfo device;
    private final HeadListeners listeners;
    private final HybridClock clock;
    private final UnitCache cache;
    private final TimeIndexImpl timeIndex;

    private final ConcurrentHashMap<UnitId, Meta> metas = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UnitId, CompletableFuture<UnitId>> inflight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ObjectId, ObjectState> objects = new ConcurrentHashMap<>();
    private final Object accounting = new Object();
    private final long[] classBytes = new long[RetentionClass.values().length];
    private final long[] classUnits = new long[RetentionClass.values().length];
    private final AtomicLong evictedUnits = new AtomicLong();
    private final AtomicLong evictedBytes = new AtomicLong();
    private final AtomicLong corruptReads = new AtomicLong();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private final ThreadPoolExecutor reads;
    private final Executor background;
    private final AtomicBoolean gcPending = new AtomicBoolean();
    private final Object gcLock = new Object();
    private final AtomicLong touchEpoch = new AtomicLong();
    private final AtomicLong tombstonedUnits = new AtomicLong();
    private volatile boolean closed;

    /** Read threads: as many reads in flight as the device queue depth the benchmark compares with (fio, 4 jobs). */
    static final int READ_THREADS = 4;
    /** Reads waiting for a read thread; beyond it the caller reads itself (back-pressure, nothing dropped). */
    private static final int READ_QUEUE = 1024;

    /**
     * Retention metadata of a held unit. lastAccess is not written as a record: it rides in the engine's
     * checkpoints as the metadata record's hint, so after a restart it is as of the last checkpoint.
     */
    static final class Meta {
        final UnitId id;
        final int size;
        final long created;
        volatile RetentionClass cls;
        volatile long windowMillis;
        volatile long lastAccess;
        /** {@code touchEpoch} when last put (or put again): the tombstone collector spares units touched during a pass. */
        volatile long touched;
        /** Set (under this object's lock) once the tombstone collector has queued this unit's delete records. */
        boolean released;

        Meta(UnitId id, int size, long created, RetentionClass cls, long windowMillis) {
            this.id = id;
            this.size = size;
            this.created = created;
            this.cls = cls;
            this.windowMillis = windowMillis;
            this.lastAccess = created;
        }

        ByteBuffer encode() {
            return ByteBuffer.allocate(22).put((byte) META_VERSION).put((byte) cls.ordinal()).putLong(created)
                    .putLong(windowMillis).putInt(size).flip();
        }

        static Meta decode(UnitId id, byte[] b) throws MalformedUnitException {
            Bytes.In in = new Bytes.In(b, "unit metadata of " + id.shortForm());
            int v = in.u8();
            if (v != META_VERSION) {
                throw in.error("version " + v);
            }
            int c = in.u8();
            if (c >= RetentionClass.values().length) {
                throw in.error("retention class " + c);
            }
            long created = in.u64();
            long window = in.u64();
            int size = in.u32();
            in.end();
            return new Meta(id, size, created, RetentionClass.values()[c], window);
        }

        EvictionPolicy.Candidate candidate() {
            return new EvictionPolicy.Candidate(id, size, cls, windowMillis, created, lastAccess);
        }
    }

    private static final class ObjectState {
        volatile List<SignedHead> heads = List.of();
        CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    }

    StoreCore(RecordLog log, StoreSettings settings, NodeIdentity identity, Supplier<ReplicaOracle> oracle,
              LongSupplier millis, DeviceInfo device, HeadListeners listeners, Executor background) {
        this.log = log;
        this.settings = settings;
        this.identity = identity;
        this.oracle = oracle;
        this.millis = millis;
        this.device = device;
        this.listeners = listeners;
        this.clock = new HybridClock(millis, settings.maxClockSkewMillis());
        this.cache = new UnitCache(settings.cacheBytes());
        this.timeIndex = new TimeIndexImpl(log);
        AtomicInteger n = new AtomicInteger();
        this.reads = new ThreadPoolExecutor(READ_THREADS, READ_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(READ_QUEUE), r -> {
                    Thread t = new Thread(r, "stateos-store-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, (r, pool) -> {
                    if (pool.isShutdown()) {
                        throw new RejectedExecutionException("the unit store is closed");
                    }
                    r.run(); // queue full: the caller reads itself rather than queue without bound
                });
        this.reads.allowCoreThreadTimeOut(true); // no idle threads kept: a quiet store costs nothing
        this.background = background == null ? reads : background;
    }

    /** Rebuilds the in-memory state from the log. */
    static StoreCore open(RecordLog log, StoreSettings settings, NodeIdentity identity, Supplier<ReplicaOracle> oracle,
                          LongSupplier millis, DeviceInfo device, HeadListeners listeners) {
        return open(log, settings, identity, oracle, millis, device, listeners, null);
    }

    /**
     * The store over an engine the caller opened and closes, outside OSGi (the store benchmark measures the
     * service's own put and get with it): no mesh, wall-clock time, its own listener thread.
     */
    public static StoreCore open(RecordLog log, StoreSettings settings, NodeIdentity identity, String device, boolean directIo) {
        return open(log, settings, identity, () -> null, System::currentTimeMillis, new DeviceInfo(device, directIo, 0),
                new HeadListeners());
    }

    /** As above; {@code background} runs the tombstone collector (null: the read threads). Tests pass their own. */
    static StoreCore open(RecordLog log, StoreSettings settings, NodeIdentity identity, Supplier<ReplicaOracle> oracle,
                          LongSupplier millis, DeviceInfo device, HeadListeners listeners, Executor background) {
        StoreCore core = new StoreCore(log, settings, identity, oracle, millis, device, listeners, background);
        core.load();
        if (!core.objects.isEmpty()) {
            core.requestTombstoneGc(); // a restart finishes what a collection before it left undone
        }
        return core;
    }

    private void load() {
        long t0 = System.nanoTime();
        int orphans = 0;
        int repaired = 0;
        for (byte[] key : keys(RecordKinds.UNIT_META)) {
            UnitId id;
            try {
                id = UnitId.fromBytes(key);
            } catch (IllegalArgumentException e) {
                LOG.warn("unit metadata under a bad key skipped: {}", e.getMessage());
                continue;
            }
            if (!log.contains(RecordKinds.UNIT, key)) {
                orphans++;   // a crash between the two appends of a put, or an eviction half done
                log.delete(RecordKinds.UNIT_META, key);
                continue;
            }
            try {
                ByteBuffer v = log.read(RecordKinds.UNIT_META, key);
                if (v != null) {
                    Meta m = Meta.decode(id, Bytes.toArray(v));
                    m.lastAccess = Math.max(m.created, log.hint(RecordKinds.UNIT_META, key));
                    account(m, +1);
                }
            } catch (IOException e) {
                LOG.warn("unit metadata of {} unreadable ({}); the unit is kept as NORMAL", id, e.getMessage());
            }
        }
        long now = millis.getAsLong();
        for (byte[] key : keys(RecordKinds.UNIT)) {
            UnitId id;
            try {
                id = UnitId.fromBytes(key);
            } catch (IllegalArgumentException e) {
                LOG.warn("unit record under a bad key skipped: {}", e.getMessage());
                continue;
            }
            if (metas.containsKey(id)) {
                continue;
            }
            int size = 0;
            try {
                ByteBuffer v = log.read(RecordKinds.UNIT, key);
                size = v == null ? 0 : v.remaining();
            } catch (IOException e) {
                corruptReads.incrementAndGet();
                LOG.warn("unit {} unreadable at open: {}", id, e.getMessage());
            }
            Meta m = new Meta(id, size, now, RetentionClass.NORMAL, 0);
            account(m, +1);
            log.append(RecordKinds.UNIT_META, key, m.encode());
            repaired++;
        }
        for (byte[] key : keys(RecordKinds.HEADS)) {
            try {
                ByteBuffer v = log.read(RecordKinds.HEADS, key);
                if (v == null) {
                    continue;
                }
                List<SignedHead> heads = decodeHeads(Bytes.toArray(v));
                if (heads.isEmpty()) {
                    continue;
                }
                ObjectState st = new ObjectState();
                st.heads = heads;
                objects.put(heads.get(0).object(), st);
                heads.forEach(h -> clock.observe(h.clock()));
            } catch (IOException e) {
                LOG.warn("heads record unreadable at open: {}", e.getMessage());
            }
        }
        timeIndex.load();
        LOG.info("unit store open: {} units ({} bytes), {} objects, {} index entries in {} ms{}{}", metas.size(),
                totalBytes(), objects.size(), timeIndex.size(), (System.nanoTime() - t0) / 1_000_000,
                orphans > 0 ? ", " + orphans + " orphan metadata records dropped" : "",
                repaired > 0 ? ", " + repaired + " units without metadata kept as NORMAL" : "");
    }

    private List<byte[]> keys(byte kind) {
        List<byte[]> keys = new ArrayList<>();
        log.forEachKey(kind, k -> keys.add(k.clone()));
        return keys;
    }

    private void account(Meta m, int sign) {
        synchronized (accounting) {
            if (sign > 0) {
                if (metas.putIfAbsent(m.id, m) != null) {
                    return;
                }
            } else if (!metas.remove(m.id, m)) {
                return;
            }
            classBytes[m.cls.ordinal()] += sign * (long) m.size;
            classUnits[m.cls.ordinal()] += sign;
        }
    }

    private void reclass(Meta m, Retention r) {
        synchronized (accounting) {
            if (metas.get(m.id) == m) {
                classBytes[m.cls.ordinal()] -= m.size;
                classUnits[m.cls.ordinal()]--;
                classBytes[r.retentionClass().ordinal()] += m.size;
                classUnits[r.retentionClass().ordinal()]++;
            }
            m.cls = r.retentionClass();
            m.windowMillis = r.window().toMillis();
        }
    }

    private long totalBytes() {
        synchronized (accounting) {
            long t = 0;
            for (long b : classBytes) {
                t += b;
            }
            return t;
        }
    }

    private void ensureOpen() throws StoreClosedException {
        if (closed) {
            throw new StoreClosedException("the unit store is closed");
        }
    }

    // ---------------------------------------------------------------- units

    @Override
    public CompletionStage<UnitId> put(Unit unit, PutOptions options) {
        if (!options.durability().isLocal()) {
            return CompletableFuture.failedFuture(new DurabilityUnavailableException(options.durability()
                    + " needs the mesh, which this firmware does not run yet: nothing was written. Use Durability.LOCAL."));
        }
        if (unit.encodedSize() > settings.maxUnitBytes()) {
            return CompletableFuture.failedFuture(new UnitTooLargeException("unit of " + unit.encodedSize()
                    + " bytes exceeds unit.max.bytes " + settings.maxUnitBytes() + "; use putStream for large objects"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new StoreClosedException("the unit store is closed"));
        }
        UnitId id = unit.id();
        Meta existing = metas.get(id);
        if (existing != null) {
            synchronized (existing) { // against the tombstone collector releasing it at this moment
                if (!existing.released) {
                    existing.touched = touchEpoch.get(); // in use again: a collection pass running now spares it
                    return strengthen(existing, options.retention()).thenApply(v -> id);
                }
            }
            // released a moment ago: its delete records are already queued, so writing it again lands after them
        }
        CompletableFuture<UnitId> mine = new CompletableFuture<>();
        CompletableFuture<UnitId> other = inflight.putIfAbsent(id, mine);
        if (other != null) {
            return other.thenCompose(v -> put(unit, options));
        }
        write(unit, options.retention(), true).whenComplete((v, e) -> {
            inflight.remove(id, mine);
            if (e != null) {
                mine.completeExceptionally(unwrap(e));
            } else {
                mine.complete(id);
            }
        });
        return mine;
    }

    private CompletableFuture<Void> write(Unit unit, Retention r, boolean mayEvict) {
        UnitId id = unit.id();
        if (r.retentionClass() == RetentionClass.PINNED) {
            long pinned;
            synchronized (accounting) {
                pinned = classBytes[RetentionClass.PINNED.ordinal()];
            }
            if (!EvictionPolicy.pinnedFits(pinned, unit.encodedSize(), settings.quotas())) {
                return CompletableFuture.failedFuture(new StoreFullException("PINNED quota "
                        + settings.quota(RetentionClass.PINNED) + " bytes would be exceeded (" + pinned + " pinned, unit of "
                        + unit.encodedSize() + "); pinned units are never evicted, so unpin some or raise quota.pinned.bytes"));
            }
        }
        long now = millis.getAsLong();
        Meta m = new Meta(id, unit.encodedSize(), now, r.retentionClass(), r.window().toMillis());
        m.touched = touchEpoch.get();
        byte[] key = id.bytes();
        CompletableFuture<Void> a = log.append(RecordKinds.UNIT, key, unit.encoding());
        CompletableFuture<Void> b = log.append(RecordKinds.UNIT_META, key, m.encode());
        return CompletableFuture.allOf(a, b).handle((v, e) -> {
            if (e == null) {
                account(m, +1);
                evictOverWatermark();
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = unwrap(e);
            if (!isFull(cause)) {
                return CompletableFuture.<Void>failedFuture(cause);
            }
            if (!mayEvict) {
                return CompletableFuture.<Void>failedFuture(new StoreFullException("device full: eviction freed space but "
                        + "the engine has not reclaimed it yet; retry the put", cause));
            }
            return evict(unit.encodedSize() * 2L, "device full").thenCompose(freed -> {
                if (freed == 0) {
                    return CompletableFuture.<Void>failedFuture(new StoreFullException(fullMessage(unit), cause));
                }
                return write(unit, r, false);
            });
        }).thenCompose(f -> f);
    }

    private String fullMessage(Unit unit) {
        StringBuilder sb = new StringBuilder("device full, nothing evictable for a unit of ").append(unit.encodedSize())
                .append(" bytes; held:");
        synchronized (accounting) {
            for (RetentionClass c : RetentionClass.values()) {
                sb.append(' ').append(c).append(' ').append(classBytes[c.ordinal()]);
                long q = settings.quota(c);
                if (q > 0) {
                    sb.append("/quota ").append(q);
                }
            }
        }
        return sb.append(" bytes (pinned, current heads, last copies and units within quota are kept)").toString();
    }

    private static boolean isFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LogFullException) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private CompletableFuture<Void> strengthen(Meta m, Retention r) {
        if (!r.retentionClass().strongerThan(m.cls)) {
            return CompletableFuture.completedFuture(null);
        }
        return retain(m.id, r).thenApply(x -> null);
    }

    @Override
    public CompletableFuture<Boolean> retain(UnitId id, Retention retention) {
        Meta m = metas.get(id);
        if (m == null) {
            return CompletableFuture.completedFuture(false);
        }
        if (retention.retentionClass() == RetentionClass.PINNED && m.cls != RetentionClass.PINNED) {
            long pinned;
            synchronized (accounting) {
                pinned = classBytes[RetentionClass.PINNED.ordinal()];
            }
            if (!EvictionPolicy.pinnedFits(pinned, m.size, settings.quotas())) {
                return CompletableFuture.failedFuture(new StoreFullException("PINNED quota "
                        + settings.quota(RetentionClass.PINNED) + " bytes would be exceeded by pinning " + id));
            }
        }
        Meta next = new Meta(id, m.size, m.created, retention.retentionClass(), retention.window().toMillis());
        return log.append(RecordKinds.UNIT_META, id.bytes(), next.encode()).thenApply(v -> {
            reclass(m, retention);
            return true;
        });
    }

    @Override
    public CompletableFuture<Optional<Unit>> get(UnitId id) {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreClosedException("the unit store is closed"));
        }
        Unit cached = cacheHit(id);
        if (cached != null) {
            return CompletableFuture.completedFuture(Optional.of(cached)); // no I/O: no reason to change threads
        }
        return onReadThread(() -> loadMissed(id), unclaimed -> { });
    }

    /** What a read thread reads: null when the unit is not held. */
    @FunctionalInterface
    private interface DeviceRead<T> {
        T read() throws IOException;
    }

    /**
     * Runs {@code read} on a read thread, completing the future there; {@code unclaimed} gets what was read when the
     * future was completed (cancelled) before it.
     */
    private <T> CompletableFuture<Optional<T>> onReadThread(DeviceRead<T> read, Consumer<T> unclaimed) {
        CompletableFuture<Optional<T>> f = new CompletableFuture<>();
        try {
            reads.execute(() -> {
                T t;
                try {
                    t = read.read();
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                    return;
                }
                if (!f.complete(Optional.ofNullable(t)) && t != null) {
                    unclaimed.accept(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new StoreClosedException("the unit store is closed"));
        }
        return f;
    }

    @Override
    public Optional<Unit> read(UnitId id) throws IOException {
        if (closed) {
            throw new StoreClosedException("the unit store is closed");
        }
        Unit cached = cacheHit(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        return Optional.ofNullable(loadMissed(id));
    }

    @Override
    public Optional<UnitView> readView(UnitId id) throws IOException {
        if (closed) {
            throw new StoreClosedException("the unit store is closed");
        }
        Unit cached = cacheHit(id);   // a miss is read from the device and not cached
        if (cached != null) {
            return Optional.of(UnitView.of(id, cached)); // the cache is keyed by the id: no need to hash the unit
        }
        return Optional.ofNullable(viewMissed(id));
    }

    @Override
    public CompletableFuture<Optional<UnitView>> getView(UnitId id) {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreClosedException("the unit store is closed"));
        }
        Unit cached = cacheHit(id);
        if (cached != null) {
            return CompletableFuture.completedFuture(Optional.of(UnitView.of(id, cached)));
        }
        // cancelled by the caller meanwhile: nobody else will give the buffer back
        return onReadThread(() -> viewMissed(id), UnitView::close);
    }

    /** After a counted cache miss: the unit viewed in the engine's read buffer (not cached), or null when not held. */
    private UnitView viewMissed(UnitId id) throws IOException {
        ensureOpen();
        UnitView v = viewVerified(id);
        if (v != null) {
            touchLastAccess(id);
        }
        return v;
    }

    /**
     * The cached unit, its use noted, or null: counted as a caller's hit or miss (the device read a miss leads to is
     * the caller's).
     */
    private Unit cacheHit(UnitId id) {
        Unit cached = cache.get(id);
        if (cached != null) {
            touchLastAccess(id);
        }
        return cached;
    }

    /** The verified unit, or null when not held. */
    Unit load(UnitId id) throws IOException {
        ensureOpen();
        return loadThrough(id, cache.get(id));
    }

    /** As {@link #load} after a cache miss was counted: reads the device (the cache is checked once more, uncounted). */
    private Unit loadMissed(UnitId id) throws IOException {
        ensureOpen();
        return loadThrough(id, cache.peek(id));
    }

    /** {@code cached}, or the unit read and verified from the device and put in the cache; its access noted. */
    private Unit loadThrough(UnitId id, Unit cached) throws IOException {
        Unit u = cached;
        if (u == null) {
            u = readVerified(id);
            if (u == null) {
                return null;
            }
            cache.put(id, u);
        }
        touchLastAccess(id);
        return u;
    }

    private void touchLastAccess(UnitId id) {
        Meta m = metas.get(id);
        if (m != null) {
            long now = millis.getAsLong();
            if (now - m.lastAccess >= 1000) { // LRU needs no finer grain; spares an index lookup per hot get
                log.setHint(RecordKinds.UNIT_META, id.bytes(), now);
            }
            m.lastAccess = now;
        }
    }

    /** Reads from the log (not the cache) and decodes, with one copy: the engine's read buffer into the unit's array. */
    private Unit readVerified(UnitId id) throws IOException {
        try (UnitView v = viewVerified(id)) {
            return v == null ? null : v.toUnit();
        }
    }

    /**
     * Reads from the log (not the cache) and parses the unit where the engine read it; the caller closes the view.
     * The engine has checked the record's CRC32C and that its key is {@code id}; with {@link StoreSettings#hashOnRead}
     * the bytes are also hashed against the id. Off by default, as IPFS's blockstore leaves its HashOnRead off: the
     * CRC catches the device's corruption, the SHA-256 would add a quarter to a 256 KiB get's time, and units from
     * peers and store:fsck are always hashed.
     */
    private UnitView viewVerified(UnitId id) throws IOException {
        RecordView record;
        try {
            record = log.readView(RecordKinds.UNIT, id.bytes());
        } catch (CorruptRecordException e) {
            corruptReads.incrementAndGet();
            throw new CorruptUnitException(id, "unit " + id + ": stored record fails its checksum (" + e.getMessage() + ")", e);
        }
        if (record == null) {
            return null;
        }
        boolean lent = false;
        try {
            UnitView v = UnitView.decode(id, record.value(), Integer.MAX_VALUE, record::close);
            if (settings.hashOnRead()) {
                UnitId actual = UnitId.of(v.encoding());
                if (!id.equals(actual)) {
                    throw hashMismatch(id, actual);
                }
            }
            lent = true;
            return v;
        } catch (MalformedUnitException e) {
            corruptReads.incrementAndGet();
            throw new CorruptUnitException(id, "unit " + id + ": stored bytes do not decode: " + e.getMessage(), e);
        } finally {
            if (!lent) {
                record.close();
            }
        }
    }

    @Override
    public CompletableFuture<Boolean> has(UnitId id) {
        return CompletableFuture.completedFuture(held(id));
    }

    private boolean held(UnitId id) {
        return metas.containsKey(id) || log.contains(RecordKinds.UNIT, id.bytes());
    }

    // ---------------------------------------------------------------- large objects

    @Override
    public CompletableFuture<BlobRef> putStream(InputStream in, PutOptions options) {
        if (!options.durability().isLocal()) {
            return CompletableFuture.failedFuture(new DurabilityUnavailableException(options.durability()
                    + " needs the mesh, which this firmware does not run yet: nothing was written. Use Durability.LOCAL."));
        }
        int chunk = Math.min(CHUNK_BYTES, settings.maxUnitBytes() - 64);
        return Merkle.write(in, chunk, FANOUT, u -> put(u, options).toCompletableFuture());
    }

    @Override
    public InputStream openStream(UnitId root) throws IOException {
        return Merkle.open(root, this::fetchRequired);
    }

    /**
     * A piece of a blob, viewed (a download reads each piece once: it is not cached) and always hashed against the
     * link that named it (the Merkle tree's promise).
     */
    private UnitView fetchRequired(UnitId id) throws IOException {
        UnitView v = readView(id).orElseThrow(() -> new UnitNotFoundException(id, "unit " + id + " is not held here"));
        if (!settings.hashOnRead()) {
            UnitId actual = UnitId.of(v.encoding());
            if (!id.equals(actual)) {
                v.close();
                cache.remove(id);
                throw hashMismatch(id, actual);
            }
        }
        return v;
    }

    private CorruptUnitException hashMismatch(UnitId id, UnitId actual) {
        corruptReads.incrementAndGet();
        return new CorruptUnitException(id, "unit " + id + ": stored bytes hash to " + actual + ", not to the id");
    }

    // ---------------------------------------------------------------- heads

    @Override
    public List<SignedHead> heads(ObjectId object) {
        ObjectState st = objects.get(object);
        return st == null ? List.of() : st.heads;
    }

    @Override
    public Set<ObjectId> objects() {
        Set<ObjectId> out = new TreeSet<>();
        objects.forEach((o, st) -> {
            if (!st.heads.isEmpty()) {
                out.add(o);
            }
        });
        return out;
    }

    /** Runs {@code op} after every earlier head operation on {@code object} has finished. */
    private <T> CompletableFuture<T> serialize(ObjectId object, Supplier<CompletableFuture<T>> op) {
        ObjectState st = objects.computeIfAbsent(object, k -> new ObjectState());
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<Void> prev;
        synchronized (st) {
            prev = st.tail;
            st.tail = mine.handle((r, e) -> null);
        }
        prev.whenComplete((x, ignored) -> {
            CompletableFuture<T> f;
            try {
                f = op.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((r, e) -> {
                if (e != null) {
                    mine.completeExceptionally(unwrap(e));
                } else {
                    mine.complete(r);
                }
            });
        });
        return mine;
    }

    @Override
    public CompletableFuture<CasResult> compareAndSetHeads(ObjectId object, Set<UnitId> expected, UnitId next) {
        if (object == null || expected == null || next == null) {
            throw new IllegalArgumentException("compareAndSetHead needs object, expected (maybe empty) and next");
        }
        Set<UnitId> exp = Set.copyOf(expected);
        if (closed) {
            return CompletableFuture.failedFuture(new StoreClosedException("the unit store is closed"));
        }
        return serialize(object, () -> {
            ObjectState st = objects.get(object);
            List<SignedHead> before = st.heads;
            if (!units(before).equals(exp)) {
                return CompletableFuture.completedFuture(new CasResult.Conflict(exp, before));
            }
            Unit u;
            try {
                u = load(next);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (u == null) {
                return CompletableFuture.failedFuture(new UnitNotFoundException(next,
                        "unit " + next + " is not stored: put it before making it a head"));
            }
            for (UnitId e : exp) {
                if (!u.links().contains(e)) {
                    return CompletableFuture.failedFuture(new IllegalArgumentException("unit " + next
                            + " does not link to " + e + ", the head it would replace: a new head links to its predecessors"));
                }
            }
            SignedHead sh;
            try {
                sh = SignedHead.sign(new Head(object, next, identity.nodeId(), clock.now()), identity);
            } catch (GeneralSecurityException e) {
                return CompletableFuture.failedFuture(new StoreException("cannot sign the head of " + object + ": " + e, e));
            }
            List<SignedHead> after = List.of(sh);
            return persistHeads(object, after).thenApply(v -> {
                commit(object, st, before, after, HeadChange.Cause.LOCAL);
                return (CasResult) new CasResult.Applied(sh, before);
            });
        });
    }

    @Override
    public CompletableFuture<CasResult> delete(ObjectId object, Set<UnitId> expected) {
        List<UnitId> preds = new ArrayList<>(new TreeSet<>(expected));
        Unit tombstone = Unit.tombstone(preds);
        return put(tombstone).toCompletableFuture().thenCompose(id -> compareAndSetHeads(object, expected, id));
    }

    @Override
    public CompletableFuture<AcceptResult> acceptRemoteHead(SignedHead head) {
        try {
            head.verify();
        } catch (HeadVerificationException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new StoreClosedException("the unit store is closed"));
        }
        if (clock.observe(head.clock())) {
            LOG.warn("head of {} from {} has a clock {} more than {} ms ahead of ours: kept, clock not followed",
                    head.object(), head.writer().shortForm(), head.clock(), settings.maxClockSkewMillis());
        }
        ObjectId object = head.object();
        return serialize(object, () -> {
            ObjectState st = objects.get(object);
            List<SignedHead> before = st.heads;
            for (SignedHead h : before) {
                if (h.unit().equals(head.unit())) {
                    return CompletableFuture.completedFuture(AcceptResult.DUPLICATE);
                }
            }
            for (SignedHead h : before) {
                if (isAncestor(head.unit(), h.unit())) {
                    return CompletableFuture.completedFuture(AcceptResult.STALE);
                }
            }
            List<SignedHead> after = new ArrayList<>();
            int superseded = 0;
            for (SignedHead h : before) {
                if (isAncestor(h.unit(), head.unit())) {
                    superseded++;
                } else {
                    after.add(h);
                }
            }
            after.add(head);
            after.sort(NEWEST_FIRST);
            AcceptResult result = before.isEmpty() ? AcceptResult.NEW
                    : superseded > 0 ? AcceptResult.ADVANCED : AcceptResult.FORKED;
            List<SignedHead> fin = List.copyOf(after);
            if (result == AcceptResult.FORKED) {
                LOG.info("object {} forked: {} heads now (remote head {} by {})", object, fin.size(),
                        head.unit().shortForm(), head.writer().shortForm());
            }
            return persistHeads(object, fin).thenApply(v -> {
                commit(object, st, before, fin, HeadChange.Cause.REMOTE);
                return result;
            });
        });
    }

    private static final Comparator<SignedHead> NEWEST_FIRST = Comparator.comparing(SignedHead::clock).reversed()
            .thenComparing(SignedHead::unit);

    /**
     * True when {@code ancestor} is reachable from {@code descendant} through links of units held here.
     * Blob tree nodes are not followed (their children are blob units, never heads). Reads at most
     * {@code walk.max.units} units; beyond that, or where a unit is missing or corrupt, the answer is false,
     * which keeps a fork rather than dropping a head.
     */
    boolean isAncestor(UnitId ancestor, UnitId descendant) {
        if (ancestor.equals(descendant)) {
            return false;
        }
        Deque<UnitId> queue = new ArrayDeque<>();
        Set<UnitId> seen = new HashSet<>();
        queue.add(descendant);
        seen.add(descendant);
        int budget = settings.walkMaxUnits();
        while (!queue.isEmpty()) {
            if (budget-- <= 0) {
                LOG.info("ancestry walk from {} stopped after {} units: treated as not an ancestor",
                        descendant.shortForm(), settings.walkMaxUnits());
                return false;
            }
            UnitId id = queue.removeFirst();
            Unit u;
            try {
                u = load(id);
            } catch (IOException e) {
                continue;
            }
            if (u == null || Merkle.NODE.equals(u.type())) {
                continue;
            }
            for (UnitId l : u.links()) {
                if (l.equals(ancestor)) {
                    return true;
                }
                if (seen.add(l)) {
                    queue.addLast(l);
                }
            }
        }
        return false;
    }

    private static Set<UnitId> units(List<SignedHead> heads) {
        Set<UnitId> s = new HashSet<>();
        heads.forEach(h -> s.add(h.unit()));
        return s;
    }

    private CompletableFuture<Void> persistHeads(ObjectId object, List<SignedHead> heads) {
        Bytes.Out out = new Bytes.Out(256 * heads.size()).u8(1).varint(heads.size());
        for (SignedHead h : heads) {
            out.lengthPrefixed(h.encode());
        }
        return log.append(RecordKinds.HEADS, Bytes.sha256(Bytes.utf8(object.name())), out.buffer());
    }

    static List<SignedHead> decodeHeads(byte[] b) throws MalformedUnitException {
        Bytes.In in = new Bytes.In(b, "heads record");
        int v = in.u8();
        if (v != 1) {
            throw in.error("version " + v);
        }
        int n = (int) in.varint(1 << 16);
        List<SignedHead> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SignedHead.decode(in.lengthPrefixed(SignedHead.MAX_ENCODED_BYTES)));
        }
        in.end();
        out.sort(NEWEST_FIRST);
        return List.copyOf(out);
    }

    private void commit(ObjectId object, ObjectState st, List<SignedHead> before, List<SignedHead> after,
                        HeadChange.Cause cause) {
        st.heads = after;   // head operations on one object are serialized: no lock needed
        listeners.fire(new HeadChange(object, before, after, cause));
        for (SignedHead h : after) {
            Unit u = cache.peek(h.unit()); // memory only: this may be the engine's I/O thread
            if (u == null || u.isTombstone()) { // not cached (a remote head): the collector reads it and decides
                requestTombstoneGc();
                break;
            }
        }
    }

    // ---------------------------------------------------------------- tombstone collection

    /**
     * Asks for a collection pass (on a read thread, never the caller's). One pass at a time; a request during a
     * pass makes one more pass after it.
     */
    void requestTombstoneGc() {
        if (closed || gcPending.getAndSet(true)) {
            return;
        }
        try {
            background.execute(() -> {
                while (gcPending.getAndSet(false) && !closed) {
                    try {
                        collectTombstoned();
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("tombstone collection failed (retried on the next head change or restart): {}", e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            gcPending.set(false); // closed
        }
    }

    /**
     * One pass of the tombstone collector: deletes the units that only deleted objects still reach, so that the
     * engine's segment cleaner can reuse their space. A unit is deleted when it is reachable (through links) from
     * a tombstone head's predecessors and not from any other head of any object, nor named by a time index
     * entry, nor PINNED, nor put (again) while the pass runs. Tombstones themselves stay: they are heads, kept
     * through restarts like any head, and tell peers that the object was deleted.
     *
     * <p>Crash safety: units are deleted in reverse breadth-first order from the tombstone, so every unit not yet
     * deleted is still reachable from the tombstone through units not yet deleted; a pass cut short by a crash is
     * finished by the pass that {@link #open} requests. Reads at most {@code walk.max.units} units for the live
     * set; beyond it the pass deletes nothing (it cannot prove a unit unreachable).
     *
     * @return units deleted
     */
    int collectTombstoned() throws IOException {
        synchronized (gcLock) {
            long epoch = touchEpoch.incrementAndGet();
            List<UnitId> tombstones = new ArrayList<>();
            List<UnitId> liveRoots = new ArrayList<>();
            for (ObjectState st : objects.values()) {
                for (SignedHead h : st.heads) {
                    Unit u = loadQuietly(h.unit());
                    if (u != null && u.isTombstone()) {
                        tombstones.add(h.unit());
                    } else {
                        liveRoots.add(h.unit());
                    }
                }
            }
            List<UnitId> roots = new ArrayList<>();
            for (UnitId t : tombstones) {
                Unit u = loadQuietly(t);
                if (u != null) {
                    for (UnitId l : u.links()) {
                        if (held(l)) {
                            roots.add(l);
                        }
                    }
                }
            }
            if (roots.isEmpty()) {
                return 0; // every deleted history is gone already: no need to walk the live ones (the usual case)
            }
            for (IndexEntry e : timeIndex.all()) {
                liveRoots.add(e.unit());
            }
            Set<UnitId> live = new HashSet<>(tombstones);
            if (!walk(liveRoots, live, null)) {
                LOG.warn("tombstone collection skipped: the units reachable from live heads exceed walk.max.units {}",
                        settings.walkMaxUnits());
                return 0;
            }
            List<UnitId> order = new ArrayList<>();
            if (!walk(roots, new HashSet<>(live), order)) {
                // Deleting part of it would orphan what lies below the cut (nothing would reach it any more).
                LOG.warn("tombstone collection skipped: the deleted history exceeds walk.max.units {}", settings.walkMaxUnits());
                return 0;
            }
            List<CompletableFuture<Void>> deletes = new ArrayList<>();
            long bytes = 0;
            int units = 0;
            for (int i = order.size() - 1; i >= 0; i--) {
                Meta m = metas.get(order.get(i));
                if (m == null || m.cls == RetentionClass.PINNED) {
                    continue;
                }
                // Under m's lock: a concurrent put of the same unit either touched it first (spared) or finds it
                // released and writes it again; the deletes are queued before the unit leaves `metas`, so such a
                // re-write is always logged after them and survives replay.
                synchronized (m) {
                    if (m.touched >= epoch || closed) {
                        continue;
                    }
                    m.released = true;
                    byte[] key = m.id.bytes();
                    deletes.add(log.delete(RecordKinds.UNIT, key));
                    deletes.add(log.delete(RecordKinds.UNIT_META, key));
                    account(m, -1);
                }
                tombstonedUnits.incrementAndGet();
                cache.remove(m.id);
                bytes += m.size;
                units++;
            }
            if (units > 0) {
                CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).join();
                LOG.info("tombstone collection: {} units ({} bytes) of {} deleted objects released", units, bytes,
                        tombstones.size());
            }
            return units;
        }
    }

    /**
     * Breadth-first walk through links of held units from {@code roots}, not entering units already in
     * {@code seen} (which it extends). Appends what it visits, in order, to {@code order} when not null.
     * False when it stopped at the walk limit.
     */
    private boolean walk(List<UnitId> roots, Set<UnitId> seen, List<UnitId> order) throws IOException {
        Deque<UnitId> queue = new ArrayDeque<>();
        for (UnitId r : roots) {
            if (seen.add(r)) {
                queue.add(r);
            }
        }
        int budget = settings.walkMaxUnits();
        while (!queue.isEmpty()) {
            if (budget-- <= 0) {
                return false;
            }
            UnitId id = queue.removeFirst();
            Unit u;
            try {
                u = loadQuietly(id);
            } catch (CorruptUnitException e) {
                continue; // unreadable: its links are unknown (fsck reports it)
            }
            if (u == null) {
                continue;
            }
            if (order != null) {
                order.add(id);
            }
            for (UnitId l : u.links()) {
                if (seen.add(l)) {
                    queue.addLast(l);
                }
            }
        }
        return true;
    }

    /** A verified unit without counting it as used (LRU) or caching it: the collector walks, nobody reads. */
    private Unit loadQuietly(UnitId id) throws IOException {
        ensureOpen();
        Unit u = cache.peek(id);
        return u != null ? u : readVerified(id);
    }

    /** Units the tombstone collector deleted since open. */
    long tombstonedUnits() {
        return tombstonedUnits.get();
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

    // ---------------------------------------------------------------- eviction

    /** The unit's last-use time as eviction sees it (-1 when not held); for tests. */
    long lastAccess(UnitId id) {
        Meta m = metas.get(id);
        return m == null ? -1 : m.lastAccess;
    }

    private Set<UnitId> headUnits() {
        Set<UnitId> s = new HashSet<>();
        objects.values().forEach(st -> st.heads.forEach(h -> s.add(h.unit())));
        return s;
    }

    /** Evicts least recently used evictable units worth {@code bytesWanted}; completes with the bytes freed. */
    CompletableFuture<Long> evict(long bytesWanted, String reason) {
        List<EvictionPolicy.Candidate> snapshot = new ArrayList<>(metas.size());
        metas.values().forEach(m -> snapshot.add(m.candidate()));
        ReplicaOracle o = oracle.get();
        Predicate<UnitId> lastCopy = o == null ? id -> true : id -> {
            try {
                return o.isLastKnownCopy(id);
            } catch (RuntimeException e) {
                return true;
            }
        };
        EvictionPolicy.Plan plan = EvictionPolicy.plan(snapshot, settings.quotas(), millis.getAsLong(), lastCopy,
                headUnits(), bytesWanted);
        if (plan.victims().isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        long freed = 0;
        for (EvictionPolicy.Candidate c : plan.victims()) {
            Meta m = metas.get(c.id());
            if (m == null) {
                continue;
            }
            account(m, -1);
            cache.remove(c.id());
            byte[] key = c.id().bytes();
            deletes.add(log.delete(RecordKinds.UNIT, key));
            deletes.add(log.delete(RecordKinds.UNIT_META, key));
            freed += c.bytes();
            evictedUnits.incrementAndGet();
            evictedBytes.addAndGet(c.bytes());
        }
        long f = freed;
        LOG.info("evicted {} units ({} bytes) for {}: wanted {} bytes", plan.victims().size(), f, reason, bytesWanted);
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(v -> f);
    }

    private void evictOverWatermark() {
        long size = device.sizeBytes();
        if (size <= 0) {
            return;
        }
        long used = totalBytes();
        if (used * 100 <= size * settings.evictHighPercent() || !evicting.compareAndSet(false, true)) {
            return;
        }
        long wanted = used - size * settings.evictLowPercent() / 100;
        evict(wanted, "high watermark " + settings.evictHighPercent() + "%").whenComplete((v, e) -> {
            evicting.set(false);
            if (e != null) {
                LOG.warn("eviction failed: {}", e.toString());
            }
        });
    }

    // ---------------------------------------------------------------- index, stats, fsck

    @Override
    public TimeIndex timeIndex() {
        return timeIndex;
    }

    @Override
    public StoreStats stats() {
        Map<RetentionClass, StoreStats.ClassUsage> classes = new EnumMap<>(RetentionClass.class);
        long units = 0;
        long bytes = 0;
        synchronized (accounting) {
            for (RetentionClass c : RetentionClass.values()) {
                classes.put(c, new StoreStats.ClassUsage(classUnits[c.ordinal()], classBytes[c.ordinal()], settings.quota(c)));
                units += classUnits[c.ordinal()];
                bytes += classBytes[c.ordinal()];
            }
        }
        long forked = objects.values().stream().filter(st -> st.heads.size() > 1).count();
        return new StoreStats(device.path(), device.directIo(), device.sizeBytes(), units, bytes, classes,
                objects().size(), forked, timeIndex.tracks().size(), timeIndex.size(), cache.hits(), cache.misses(),
                cache.bytes(), evictedUnits.get(), evictedBytes.get(), corruptReads.get(), engineStats());
    }

    /** The engine's stats as text pairs: the components of its stats record, or its toString. */
    private Map<String, String> engineStats() {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Object s = log.stats();
            if (s == null) {
                return out;
            }
            if (s.getClass().isRecord()) {
                for (var c : s.getClass().getRecordComponents()) {
                    out.put(c.getName(), String.valueOf(c.getAccessor().invoke(s)));
                }
            } else {
                out.put("summary", s.toString());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            out.put("error", e.toString());
        }
        return out;
    }

    @Override
    public CompletableFuture<FsckReport> fsck() {
        long t0 = System.nanoTime();
        List<UnitId> badIds = new ArrayList<>();
        List<UnitId> badCrcs = new ArrayList<>();
        List<FsckReport.Link> dangling = new ArrayList<>();
        List<String> badHeads = new ArrayList<>();
        long checked = 0;
        long bytes = 0;
        for (byte[] key : keys(RecordKinds.UNIT)) {
            UnitId id;
            try {
                id = UnitId.fromBytes(key);
            } catch (IllegalArgumentException e) {
                LOG.warn("fsck: unit record under a key that is not a unit id: {}", e.getMessage());
                continue;
            }
            ByteBuffer v;
            try {
                v = log.read(RecordKinds.UNIT, key);
            } catch (IOException e) {
                badCrcs.add(id);
                continue;
            }
            if (v == null) {
                continue;
            }
            checked++;
            byte[] b = Bytes.toArray(v);
            bytes += b.length;
            if (!id.matches(b)) {
                badIds.add(id);
                continue;
            }
            Unit u;
            try {
                u = Unit.decode(b, Integer.MAX_VALUE);
            } catch (MalformedUnitException e) {
                badIds.add(id);
                continue;
            }
            for (UnitId l : u.links()) {
                if (!held(l)) {
                    dangling.add(new FsckReport.Link(id, l));
                }
            }
        }
        long heads = 0;
        for (ObjectState st : objects.values()) {
            for (SignedHead h : st.heads) {
                heads++;
                try {
                    h.verify();
                } catch (HeadVerificationException e) {
                    badHeads.add(e.getMessage());
                    continue;
                }
                if (!held(h.unit())) {
                    badHeads.add("head of " + h.object() + ": unit " + h.unit() + " is not held here");
                }
            }
        }
        long entries = 0;
        long missing = 0;
        for (IndexEntry e : timeIndex.all()) {
            entries++;
            if (!held(e.unit())) {
                missing++;
            }
        }
        return CompletableFuture.completedFuture(new FsckReport(checked, bytes, badIds, badCrcs, dangling, heads,
                badHeads, entries, missing, Duration.ofNanos(System.nanoTime() - t0)));
    }

    @Override
    public int maxUnitBytes() {
        return settings.maxUnitBytes();
    }

    /** Marks the store closed; the caller closes the log. */
    @Override
    public void close() {
        closed = true;
        reads.shutdown(); // reads under way finish; the engine stays open until the component closes it after this
        cache.clear();
    }
}
