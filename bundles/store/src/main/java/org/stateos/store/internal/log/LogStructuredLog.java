package org.stateos.store.internal.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.sched.RealtimeScheduling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The log-structured engine behind {@link RecordLog}: a superblock, two checkpoint slots and a chain of
 * append-only segments on a {@link BlockDevice} (layout in FORMAT.md), an in-memory index from (kind, key) to
 * the newest record, group commit through one writer thread, periodic index checkpoints and a segment cleaner.
 *
 * <p>Futures returned by {@link #append} and {@link #delete} are completed on the log's acknowledgement thread
 * (in commit order), not on the I/O thread: a dependent action that is slow delays other acknowledgements, not
 * the device. Still, dependent actions must not block (use the *Async variants for anything slow).
 */
public final class LogStructuredLog implements RecordLog {
    private static final Logger LOG = LoggerFactory.getLogger(LogStructuredLog.class);
    private static final int BLOCK = Layout.BLOCK;
    private static final byte[] NO_KEY = new byte[0];
    static final int NEXT_LEN = RecordCodec.encodedLength(0, 4);
    static final int SEGMENT_HEADER_LEN = RecordCodec.encodedLength(0, 20);
    private static final int ENTRY_FIXED_BYTES = 22; // kind, key length, segment, offset, length, seq
    private static final long OPEN = Long.MAX_VALUE; // segSealSeq of the head and of free segments
    private static final int MAX_PROBLEMS = 32;

    private enum Room { USER, DELETE, INTERNAL }

    /**
     * Where a key's newest record is. For kinds the config keeps inline, {@code inline} holds the value too (at most
     * {@link #INLINE_MAX_VALUE} bytes, CRC-checked when it was appended, replayed or loaded from a checkpoint) and
     * {@code hint} an advisory number kept only in checkpoints; null otherwise.
     */
    private record Loc(int segment, int offset, int length, long seq, byte[] inline, Hint hint) {
        Loc(int segment, int offset, int length, long seq) {
            this(segment, offset, length, seq, null, null);
        }

        /** This location with the inline value and hint of {@code from} (a cleaner's copy of the same record). */
        Loc carrying(Loc from) {
            return new Loc(segment, offset, length, seq, from.inline, from.hint);
        }

        int snapshotBytes(int keyLength) {
            return ENTRY_FIXED_BYTES + keyLength + (inline == null ? 0 : INLINE_EXTRA_BYTES + inline.length);
        }
    }

    /** The advisory number of an inline record (see {@link RecordLog#setHint}). */
    private static final class Hint {
        volatile long value;

        Hint(long value) {
            this.value = value;
        }
    }

    /** Values of inline kinds up to this size are kept in memory and in checkpoints. */
    static final int INLINE_MAX_VALUE = 255;
    /** In a checkpoint entry: bit 7 of the key length byte says an inline value and hint follow. */
    private static final int ENTRY_INLINE_FLAG = 0x80;
    private static final int INLINE_EXTRA_BYTES = 1 + 8; // value length (u8), hint (u64)

    private static final class IndexKey {
        final byte kind;
        final byte[] key;
        final int hash;

        IndexKey(byte kind, byte[] key) {
            this.kind = kind;
            this.key = key;
            this.hash = 31 * Arrays.hashCode(key) + kind;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IndexKey k && k.kind == kind && Arrays.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final int APPEND = 0;
    private static final int CLEAN = 1;
    private static final int CHECKPOINT = 2;
    private static final int CLOSE = 3;

    private static final ByteBuffer NO_VALUE = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** A queued request. Appends and deletes are also members of the commit batch they are laid out in. */
    private final class Op implements CommitBatch.Member {
        final int type;
        final byte kind;
        final int flags;
        final byte[] key;
        final ByteBuffer value;
        final int keyValueCrc;
        final int permits;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        Loc loc;

        Op(int type, byte kind, int flags, byte[] key, ByteBuffer value, int permits) {
            this.type = type;
            this.kind = kind;
            this.flags = flags;
            this.key = key;
            this.value = value;
            this.permits = permits;
            // Hashed here, on the appending thread, in parallel with the writer and the device (see Crc32c).
            this.keyValueCrc = type == APPEND ? Crc32c.of(key, value) : 0;
        }

        int encodedLength() {
            return RecordCodec.encodedLength(key.length, value.remaining());
        }

        @Override
        public void durable() {
            queuedBytes.release(permits);
            IndexKey k = new IndexKey(kind, key);
            if ((flags & RecordCodec.FLAG_DELETE) != 0) {
                applyRemove(k);
                deletes.incrementAndGet();
            } else {
                applyPut(k, withInline(kind, loc, value));
                appends.incrementAndGet();
            }
        }

        @Override
        public void acknowledge() {
            future.complete(null);
        }

        @Override
        public void failed(IOException e) {
            queuedBytes.release(permits);
            future.completeExceptionally(e);
        }
    }

    /** Result of a full verification (store:fsck). */
    public record VerifyReport(long recordsChecked, long corrupt, List<String> problems) {
    }

    // ---- fixed after open
    private final BlockDevice device;
    private final LogConfig config;
    /** What the writer and I/O threads run at (store:stats); set by the first of them to ask for real time. */
    private volatile String threadPolicy = "normal";
    private final Layout.Superblock sb;
    private final int segmentCount;
    private final long segmentBytes;
    private final int maxDecodeValue;
    private final int chunkBytes;
    private final int readBufferBytes;

    // ---- index and space accounting (mutated by the writer thread, or by open before it starts)
    private final ConcurrentHashMap<IndexKey, Loc> index = new ConcurrentHashMap<>();
    private final AtomicLongArray segLive;
    private final long[] segSealSeq;
    private final boolean[] segFree;
    private final Deque<Integer> freeList = new ArrayDeque<>();
    private volatile int freeCount;
    private Set<Integer> checkpointChunkSegments = Set.of();
    private final AtomicLongArray kindRecords = new AtomicLongArray(256);
    private final AtomicLongArray kindBytes = new AtomicLongArray(256);
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong snapshotBytes = new AtomicLong();

    // ---- head of the log (writer thread)
    private int headSeg;
    private int headOff;
    private volatile long nextSeq;
    private int prevCrc;
    private final byte[] tailBlock = new byte[BLOCK];
    private long batchFirstSeq;

    // ---- the write pipeline (see "writer thread and I/O thread"); guarded by pipe
    private final Object pipe = new Object();
    private CommitBatch cur;   // being laid out by the writer thread
    private CommitBatch spare; // the I/O thread's until it swaps it for cur
    private boolean ioBusy;
    private boolean ioStop;
    private Thread ioThread;
    // ---- acknowledgements: durable batches' members, in commit order; ACKS_END stops the thread
    private final LinkedBlockingQueue<List<CommitBatch.Member>> acks = new LinkedBlockingQueue<>();
    private static final List<CommitBatch.Member> ACKS_END = new ArrayList<>(0);
    private Thread ackThread;

    // ---- checkpoints (writer thread; volatile for stats)
    private volatile long checkpointGeneration;
    private volatile long checkpointSeq;
    private volatile String checkpointPosition = "";
    private long bytesSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    // ---- writer and queue
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Semaphore queuedBytes;
    private final int queuePermits;
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed;
    private volatile boolean crashing;
    private volatile IOException failure;
    private Thread writer;

    // ---- read buffers
    private final ConcurrentLinkedQueue<ByteBuffer> smallBuffers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ByteBuffer> largeBuffers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private static final int SMALL_READ = 64 * 1024;

    // ---- stats
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong deviceReads = new AtomicLong();
    private final AtomicLong ioIdleNanos = new AtomicLong();
    private final AtomicLong ioAckNanos = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong bytesAppended = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchRecords = new AtomicLong();
    private final AtomicLong logFull = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong cleanerRuns = new AtomicLong();
    private final AtomicLong cleanerBytes = new AtomicLong();
    private final Deque<String> problems = new ArrayDeque<>();
    private long recoveryMillis;
    private long recoveryRecords;
    private long recoveryTornRecords;

    private LogStructuredLog(BlockDevice device, LogConfig config, Layout.Superblock sb) {
        this.device = device;
        this.config = config;
        this.sb = sb;
        this.segmentCount = sb.segmentCount();
        this.segmentBytes = sb.segmentBytes();
        this.chunkBytes = (int) Math.min(1 << 20, segmentBytes / 4);
        this.maxDecodeValue = Math.max(Math.max(sb.maxValueBytes(), config.maxValueBytes()), chunkBytes);
        if (RecordCodec.encodedLength(RecordLog.MAX_KEY_BYTES, maxDecodeValue) > segmentBytes / 2) {
            throw new IllegalArgumentException("maxValueBytes " + config.maxValueBytes() + " does not fit the log's "
                    + segmentBytes + "-byte segments");
        }
        this.segLive = new AtomicLongArray(segmentCount);
        this.segSealSeq = new long[segmentCount];
        this.segFree = new boolean[segmentCount];
        int maxRecord = RecordCodec.encodedLength(RecordLog.MAX_KEY_BYTES, maxDecodeValue);
        this.readBufferBytes = (int) Layout.alignUp(maxRecord) + 2 * BLOCK;
        int wcap = (int) Layout.alignUp(Math.max(config.groupCommitMaxBytes(), maxRecord)
                + NEXT_LEN + SEGMENT_HEADER_LEN + 4L * BLOCK);
        this.cur = new CommitBatch(aligned(wcap));
        this.spare = new CommitBatch(aligned(wcap));
        long permits = Math.min(Integer.MAX_VALUE / 2, Math.max(4L * config.groupCommitMaxBytes(), 2L * maxRecord));
        this.queuePermits = (int) permits;
        this.queuedBytes = new Semaphore(queuePermits);
    }

    private static ByteBuffer aligned(int bytes) {
        return ByteBuffer.allocateDirect(bytes + BLOCK).alignedSlice(BLOCK).limit(bytes).slice();
    }

    // =====================================================================================================
    // format, detection, open
    // =====================================================================================================

    /** What the device holds, when it holds something this engine recognises (our log, a partition table, a file system). */
    public static Optional<String> identify(BlockDevice device) throws IOException {
        int n = (int) Math.min(Layout.PROBE_BYTES, device.size()) & -BLOCK;
        ByteBuffer head = aligned(Math.max(n, BLOCK));
        head.limit(n);
        int read = device.read(head, 0);
        head.flip();
        head.limit(read);
        return Optional.ofNullable(Layout.identify(head));
    }

    /** True when block 0 holds a valid StateOS log superblock. */
    public static boolean isFormatted(BlockDevice device) throws IOException {
        return readSuperblock(device) != null;
    }

    private static Layout.Superblock readSuperblock(BlockDevice device) throws IOException {
        ByteBuffer b = aligned(BLOCK);
        if (device.read(b, 0) < BLOCK) {
            return null;
        }
        b.flip();
        try {
            return Layout.Superblock.decode(b, device.size());
        } catch (CorruptRecordException e) {
            return null;
        }
    }

    /**
     * Writes a new, empty log on the device: zeroes the first MiB (and the last 64 KiB, where a backup GPT
     * lives), then the superblock and an empty checkpoint. Refuses a device holding a partition table, a
     * file system or a StateOS log unless {@code force}.
     */
    public static void format(BlockDevice device, LogConfig config, boolean force) throws IOException {
        Optional<String> found = identify(device);
        if (found.isPresent() && !force) {
            throw new DeviceFormatException("refusing to format " + device + ": it holds " + found.get()
                    + "; format with force to overwrite it", found.get());
        }
        long size = device.size() & -BLOCK;
        long segBytes = config.segmentBytes();
        long segs = (size - Layout.DATA_START) / segBytes;
        if (segs < 3) {
            throw new DeviceFormatException("device " + device + " of " + size + " bytes is too small for 3 segments of "
                    + segBytes + " bytes after the 1 MiB header", found.orElse("nothing recognised"));
        }
        if (segs > Integer.MAX_VALUE / 2) {
            throw new DeviceFormatException("too many segments: use a larger segment size", found.orElse("nothing recognised"));
        }
        ByteBuffer zeros = aligned((int) Layout.DATA_START);
        device.write(zeros, 0);
        long tail = size - 64 * 1024;
        if (tail >= Layout.DATA_START) {
            device.write(zeros.clear().limit(64 * 1024), tail);
        }
        Layout.Superblock sb = new Layout.Superblock(size, segBytes, (int) segs, Layout.DATA_START, UUID.randomUUID(),
                System.currentTimeMillis(), config.maxValueBytes());
        UUID u = sb.uuid();
        int seed = (int) (u.getMostSignificantBits() ^ u.getLeastSignificantBits());
        Layout.Slot slot = new Layout.Slot(1, u, 1, 0, 0, seed, 0, 0, System.currentTimeMillis(), true, 1, List.of());
        device.write(copyAligned(slot.encode()), Layout.SLOT_A);
        // Slot B gets the same empty checkpoint as generation 0, so that from format on both slots always hold a
        // checkpoint: a blank slot is then always damage, never "not written yet".
        Layout.Slot slotB = new Layout.Slot(0, u, 1, 0, 0, seed, 0, 0, System.currentTimeMillis(), true, 1, List.of());
        device.write(copyAligned(slotB.encode()), Layout.SLOT_B);
        device.force();
        device.write(copyAligned(sb.encode()), 0);
        device.force();
        LOG.info("formatted {}: {} segments of {} bytes, uuid {}", device, segs, segBytes, u);
    }

    private static ByteBuffer copyAligned(ByteBuffer src) {
        ByteBuffer b = aligned(src.remaining());
        b.put(src.duplicate()).flip();
        return b;
    }

    /**
     * Opens a formatted device: loads the newest valid checkpoint, replays the log written after it, drops a
     * torn tail, reports corruption found on the way, and starts the writer thread. Closing the log closes the device.
     */
    public static LogStructuredLog open(BlockDevice device, LogConfig config) throws IOException {
        ByteBuffer b = aligned(BLOCK);
        Layout.Superblock sb;
        if (device.read(b, 0) < BLOCK) {
            throw new DeviceFormatException("device " + device + " is too small to hold a log", "nothing recognised");
        }
        b.flip();
        try {
            sb = Layout.Superblock.decode(b, device.size());
        } catch (CorruptRecordException e) {
            String found = identify(device).orElse("nothing recognised");
            throw new DeviceFormatException("no usable StateOS log on " + device + " (" + e.reason() + "); it holds "
                    + found + ": format it first", found);
        }
        LogStructuredLog log = new LogStructuredLog(device, config, sb);
        log.recover();
        log.startWriter();
        return log;
    }

    private void startWriter() {
        // Three threads per open log, all ended by close(). Reason: the writer serialises the layout of records
        // (the log has one head and one CRC chain); the I/O thread writes and forces one batch while the writer
        // fills the next, so copying and hashing overlap the device's work instead of adding to it; the
        // acknowledgement thread completes the futures of durable batches, so waking the appenders (and running
        // their dependent actions) does not delay the next batch's write: measured at 13 % of the put phase on a
        // loaded 2-core machine when the I/O thread did it (itests/store-bench).
        // With config.realtimePriority() > 0 the writer and the I/O thread ask for SCHED_FIFO first: on a 2-core box
        // the appenders' SHA-256 kept both cores busy, and the I/O thread, woken by a finished fdatasync, waited for a
        // core before it could hand the batch on and write the next (store-bench: 14-25 % of the put phase
        // "acknowledging", 2-3 % at FIFO). The acknowledgement thread keeps the normal policy: it runs the appenders'
        // dependent actions, which are not ours to run in real time, and at FIFO it was no faster (store-bench README).
        RealtimeScheduling.Asking realtime = new RealtimeScheduling.Asking(config.realtimePriority(), outcome -> {
            threadPolicy = outcome.applied() ? outcome.detail() : "normal: " + outcome.detail();
            if (outcome.applied()) {
                LOG.info("{}: log writer and I/O threads run at {}", device, outcome.detail());
            } else {
                LOG.warn("{}: log writer and I/O threads: {} (log.realtime.priority = 0 stops asking)", device,
                        outcome.detail());
            }
        });
        ackThread = daemon(this::ackLoop, "stateos-store-log-ack");
        ioThread = daemon(realtime.wrap(this::ioLoop), "stateos-store-log-io");
        writer = daemon(realtime.wrap(this::writerLoop), "stateos-store-log-writer");
    }

    private static Thread daemon(Runnable run, String name) {
        Thread t = new Thread(run, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private long segBase(int seg) {
        return sb.dataStart() + seg * segmentBytes;
    }

    // =====================================================================================================
    // public API
    // =====================================================================================================

    @Override
    public CompletableFuture<Void> append(byte kind, byte[] key, ByteBuffer value) {
        if (RecordCodec.isReservedKind(kind)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "kind 0x" + Integer.toHexString(kind & 0xFF) + " is reserved for the engine (0xF0..0xFF)"));
        }
        if (key == null || key.length > MAX_KEY_BYTES || value == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("key must be 0.." + MAX_KEY_BYTES
                    + " bytes and value non-null"));
        }
        if (value.remaining() > config.maxValueBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("value of " + value.remaining()
                    + " bytes exceeds the maximum of " + config.maxValueBytes()));
        }
        // Not copied: the record is copied once, from this view into the aligned batch buffer (the caller keeps
        // the bytes unchanged until the future completes, see RecordLog.append).
        ByteBuffer v = value.slice().asReadOnlyBuffer();
        return enqueue(new Op(APPEND, kind, 0, key.clone(), v, permitsFor(key.length, v.remaining())));
    }

    @Override
    public CompletableFuture<Void> delete(byte kind, byte[] key) {
        if (RecordCodec.isReservedKind(kind) || key == null || key.length > MAX_KEY_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("bad kind or key"));
        }
        return enqueue(new Op(APPEND, kind, RecordCodec.FLAG_DELETE, key.clone(), NO_VALUE, permitsFor(key.length, 0)));
    }

    /** Asks the writer to clean the emptiest sealed segment now (then checkpoint, which frees it). */
    public CompletableFuture<Void> clean() {
        return enqueue(new Op(CLEAN, (byte) 0, 0, NO_KEY, NO_VALUE, 0));
    }

    /** Asks the writer to write an index checkpoint now. */
    public CompletableFuture<Void> checkpoint() {
        return enqueue(new Op(CHECKPOINT, (byte) 0, 0, NO_KEY, NO_VALUE, 0));
    }

    private int permitsFor(int k, int v) {
        return Math.min(queuePermits, RecordCodec.encodedLength(k, v));
    }

    private CompletableFuture<Void> enqueue(Op op) {
        if (op.permits > 0) {
            queuedBytes.acquireUninterruptibly(op.permits); // back-pressure: bounded bytes waiting for the writer
        }
        closeLock.readLock().lock();
        try {
            IOException f = failure;
            if (closed || f != null) {
                queuedBytes.release(op.permits);
                return CompletableFuture.failedFuture(f != null
                        ? new IOException("log stopped after an I/O error; reopen it: " + f.getMessage(), f)
                        : new IOException("log is closed"));
            }
            queue.add(op);
        } finally {
            closeLock.readLock().unlock();
        }
        return op.future;
    }

    @Override
    public ByteBuffer read(byte kind, byte[] key) throws IOException {
        try (RecordView v = readView(kind, key)) {
            if (v == null) {
                return null;
            }
            ByteBuffer out = ByteBuffer.allocate(v.value().remaining());
            out.put(v.value()).flip();
            return out;
        }
    }

    @Override
    public RecordView readView(byte kind, byte[] key) throws IOException {
        if (closed) {
            throw new IOException("log is closed");
        }
        return readView(kind, key, true);
    }

    /** A view of a pooled read buffer holding one checked record's value; closing it gives the buffer back once. */
    private final class PooledView implements RecordView {
        private final ByteBuffer value;
        private ByteBuffer buf;

        PooledView(ByteBuffer buf, ByteBuffer value) {
            this.buf = buf;
            this.value = value;
        }

        @Override
        public ByteBuffer value() {
            return value;
        }

        @Override
        public synchronized void close() {
            if (buf != null) {
                giveBack(buf);
                buf = null;
            }
        }
    }

    /** Reads a record; {@code mayUseInline}: an inline value is returned from memory instead of the device. */
    private RecordView readView(byte kind, byte[] key, boolean mayUseInline) throws IOException {
        IndexKey k = new IndexKey(kind, key);
        for (int attempt = 0; ; attempt++) {
            Loc loc = index.get(k);
            if (loc == null) {
                return null;
            }
            if (mayUseInline && loc.inline() != null) {
                return RecordView.of(ByteBuffer.wrap(loc.inline().clone()));
            }
            deviceReads.incrementAndGet();
            ByteBuffer buf = borrow(loc.offset(), loc.length());
            boolean lent = false;
            try {
                DecodedRecord r = readRecord(buf, loc);
                if (r.kind() != kind || !Arrays.equals(r.key(), key) || r.seq() != loc.seq() || r.isDelete()) {
                    throw new CorruptRecordException("record at the indexed location is another one (kind "
                            + (r.kind() & 0xFF) + ", seq " + r.seq() + ", expected seq " + loc.seq() + ")",
                            segBase(loc.segment()) + loc.offset());
                }
                lent = true;
                return new PooledView(buf, r.value());
            } catch (CorruptRecordException e) {
                if (index.get(k) != loc && attempt < 3) {
                    continue; // moved by the cleaner while we read: read the new copy
                }
                problem("read of kind " + (kind & 0xFF) + " key " + HexFormat.of().formatHex(key) + " at segment "
                        + loc.segment() + " offset " + loc.offset() + ": " + e.getMessage());
                throw e;
            } finally {
                if (!lent) {
                    giveBack(buf);
                }
            }
        }
    }

    @Override
    public void setHint(byte kind, byte[] key, long hint) {
        Loc loc = index.get(new IndexKey(kind, key));
        if (loc != null && loc.hint() != null) {
            loc.hint().value = hint;
        }
    }

    @Override
    public long hint(byte kind, byte[] key) {
        Loc loc = index.get(new IndexKey(kind, key));
        return loc == null || loc.hint() == null ? 0 : loc.hint().value;
    }

    /**
     * Time the I/O thread spent waiting for a batch to write, since open: with appends always waiting, the
     * device idles then (the benchmark reports it against the put phase).
     */
    public long ioIdleNanos() {
        return ioIdleNanos.get();
    }

    /** Time the I/O thread spent applying and acknowledging durable batches (completing futures), since open. */
    public long ioAckNanos() {
        return ioAckNanos.get();
    }

    /** Records read from the device by {@link #read} (inline values are not counted): start-up cost tests. */
    public long deviceRecordReads() {
        return deviceReads.get();
    }

    @Override
    public boolean contains(byte kind, byte[] key) {
        return index.containsKey(new IndexKey(kind, key));
    }

    @Override
    public void forEachKey(byte kind, Consumer<byte[]> visitor) {
        for (IndexKey k : index.keySet()) {
            if (k.kind == kind) {
                visitor.accept(k.key.clone());
            }
        }
    }

    /** Live bytes (headers, keys, values) of one kind: what eviction can win back. */
    public long liveBytes(byte kind) {
        return kindBytes.get(kind & 0xFF);
    }

    /** Bytes that appends can still use without cleaning (free segments beyond the cleaner's reserve, plus the head's room). */
    public long appendableBytes() {
        long usable = segmentBytes - SEGMENT_HEADER_LEN - NEXT_LEN;
        return Math.max(0, freeCount - reserveSegments()) * usable;
    }

    /**
     * Reads and CRC-checks every live record (store:fsck). Runs on the caller's thread; appends go on meanwhile.
     * Every problem found is also counted and reported in {@link #stats()}.
     */
    public VerifyReport verify() throws IOException {
        long checked = 0;
        long bad = 0;
        List<String> found = new ArrayList<>();
        for (Map.Entry<IndexKey, Loc> e : index.entrySet()) {
            if (closed) {
                throw new IOException("log is closed");
            }
            checked++;
            try {
                if (!verifyRecord(e.getKey().kind, e.getKey().key)) {
                    checked--; // deleted meanwhile
                }
            } catch (CorruptRecordException ex) {
                bad++;
                if (found.size() < 1000) {
                    found.add(ex.getMessage());
                }
            }
        }
        return new VerifyReport(checked, bad, found);
    }

    /** Reads and CRC-checks one record from the device (never its inline copy); false when the key is gone. */
    private boolean verifyRecord(byte kind, byte[] key) throws IOException {
        try (RecordView v = readView(kind, key, false)) {
            return v != null;
        }
    }

    @Override
    public LogStats stats() {
        Map<Integer, Long> recs = new TreeMap<>();
        Map<Integer, Long> bytes = new TreeMap<>();
        for (int k = 0; k < 256; k++) {
            long r = kindRecords.get(k);
            if (r != 0) {
                recs.put(k, r);
                bytes.put(k, kindBytes.get(k));
            }
        }
        List<String> probs;
        synchronized (problems) {
            probs = List.copyOf(problems);
        }
        long b = batches.get();
        String mode = device instanceof FileBlockDevice f ? f.ioMode() : (device.direct() ? "direct" : "buffered + fdatasync");
        return new LogStats(device.toString(), sb.deviceBytes(), device.direct(), mode, segmentBytes, segmentCount,
                freeCount, liveBytes.get(), recs, bytes, appends.get(), deletes.get(), bytesAppended.get(), forces.get(),
                b == 0 ? 0 : (double) batchRecords.get() / b, logFull.get(), corrupt.get(), probs, recoveryMillis,
                recoveryRecords, recoveryTornRecords, checkpoints.get(), checkpointGeneration, checkpointSeq,
                checkpointPosition, nextSeq, cleanerRuns.get(), cleanerBytes.get(), threadPolicy);
    }

    @Override
    public void close() throws IOException {
        close(false);
    }

    /**
     * For crash tests: stops the writer as a crash would (appends still queued are failed, no checkpoint is written)
     * and closes the device. Every acknowledged append is on the device; the next open recovers as after a crash.
     */
    public void crashForTesting() throws IOException {
        close(true);
    }

    private void close(boolean crash) throws IOException {
        Op op = new Op(CLOSE, (byte) 0, 0, NO_KEY, NO_VALUE, 0);
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            crashing = crash;
            if (failure == null) {
                queue.add(op);
            }
        } finally {
            closeLock.writeLock().unlock();
        }
        boolean interrupted = false;
        try {
            while (writer != null && writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            stopIo();
            failQueued(new IOException("log is closed"));
            smallBuffers.clear();
            largeBuffers.clear();
            device.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        IOException f = failure;
        if (op.future.isCompletedExceptionally() && f != null) {
            throw new IOException("log closed after an I/O error: " + f.getMessage(), f);
        }
    }

    // =====================================================================================================
    // reads
    // =====================================================================================================

    private ByteBuffer borrow(int offset, int length) {
        int span = (int) (Layout.alignUp((offset & (BLOCK - 1)) + (long) length));
        boolean small = span <= SMALL_READ;
        ByteBuffer b = (small ? smallBuffers : largeBuffers).poll();
        if (b != null) {
            pooled.decrementAndGet();
            return b.clear();
        }
        return aligned(small ? SMALL_READ : Math.max(span, readBufferBytes));
    }

    private void giveBack(ByteBuffer b) {
        if (pooled.incrementAndGet() <= 16 && !closed) {
            (b.capacity() == SMALL_READ ? smallBuffers : largeBuffers).add(b);
        } else {
            pooled.decrementAndGet();
        }
    }

    /** Reads the record at {@code loc} with an aligned read and decodes it (CRC checked). The value views {@code buf}. */
    private DecodedRecord readRecord(ByteBuffer buf, Loc loc) throws IOException {
        long abs = segBase(loc.segment()) + loc.offset();
        long start = abs & -BLOCK;
        int lead = (int) (abs - start);
        int span = (int) Layout.alignUp(lead + (long) loc.length());
        if (span > buf.capacity()) {
            throw new CorruptRecordException("indexed length " + loc.length() + " exceeds the read buffer", abs);
        }
        buf.clear().limit(span);
        int n = device.read(buf, start);
        if (n < lead + loc.length()) {
            throw new CorruptRecordException("short read: " + n + " of " + span + " bytes", abs);
        }
        buf.limit(lead + loc.length()).position(lead);
        try {
            return RecordCodec.decode(buf, maxDecodeValue, sb.uuid());
        } catch (CorruptRecordException e) {
            corrupt.incrementAndGet();
            throw new CorruptRecordException(e.reason(), abs);
        }
    }

    private void problem(String text) {
        LOG.warn("{}: {}", device, text);
        synchronized (problems) {
            problems.addLast(text);
            while (problems.size() > MAX_PROBLEMS) {
                problems.removeFirst();
            }
        }
    }

    // =====================================================================================================
    // index bookkeeping
    // =====================================================================================================

    private void applyPut(IndexKey k, Loc loc) {
        Loc old = index.put(k, loc);
        int kind = k.kind & 0xFF;
        if (old != null) {
            segLive.addAndGet(old.segment(), -old.length());
            kindBytes.addAndGet(kind, -old.length());
            liveBytes.addAndGet(-old.length());
            snapshotBytes.addAndGet(-old.snapshotBytes(k.key.length));
            if (old.hint() != null && loc.hint() != null && old.hint().value > loc.hint().value) {
                loc.hint().value = old.hint().value; // a new version of the record keeps its hint
            }
        } else {
            kindRecords.incrementAndGet(kind);
        }
        snapshotBytes.addAndGet(loc.snapshotBytes(k.key.length));
        segLive.addAndGet(loc.segment(), loc.length());
        kindBytes.addAndGet(kind, loc.length());
        liveBytes.addAndGet(loc.length());
    }

    private void applyRemove(IndexKey k) {
        Loc old = index.remove(k);
        if (old != null) {
            int kind = k.kind & 0xFF;
            segLive.addAndGet(old.segment(), -old.length());
            kindBytes.addAndGet(kind, -old.length());
            kindRecords.decrementAndGet(kind);
            liveBytes.addAndGet(-old.length());
            snapshotBytes.addAndGet(-old.snapshotBytes(k.key.length));
        }
    }

    /** {@code loc} with the value kept inline when its kind is an inline kind and the value is small enough. */
    private Loc withInline(byte kind, Loc loc, ByteBuffer value) {
        if (!config.inlineKinds().contains(kind) || value.remaining() > INLINE_MAX_VALUE) {
            return loc;
        }
        byte[] v = new byte[value.remaining()];
        value.duplicate().get(v);
        return new Loc(loc.segment(), loc.offset(), loc.length(), loc.seq(), v, new Hint(0));
    }

    private boolean applyMove(IndexKey k, Loc from, Loc to) {
        if (!index.replace(k, from, to)) {
            return false;
        }
        segLive.addAndGet(from.segment(), -from.length());
        segLive.addAndGet(to.segment(), to.length());
        return true;
    }

    // =====================================================================================================
    // writer thread and I/O thread: the write pipeline
    // =====================================================================================================
    //
    // The writer thread takes appends off the queue and lays each out in the current commit batch (header, CRC
    // combined from the CRC the appender computed, the value copied once into the aligned buffer). The I/O thread
    // takes the current batch as soon as it is idle and the batch holds anything, leaves the writer the other
    // buffer, writes the batch's regions and forces once, then applies the batch to the index and acknowledges it.
    // So batch N+1 fills while batch N is being forced, and a batch is whatever arrived during the previous
    // force (a lone appender never waits). Batch N+1 is written only after batch N's force returned: at any crash
    // at most the last, unacknowledged batch is partly on the device, as recovery assumes.
    // Layout state (head, seq, chain CRC, tail block, the current batch) changes under the pipe lock; the writer
    // is the only thread laying out, the I/O thread only swaps batches under the lock.

    private void writerLoop() {
        Op closeOp = null;
        try {
            while (closeOp == null) {
                long wait = Math.max(1, config.checkpointInterval().toNanos() - (System.nanoTime() - lastCheckpointNanos));
                Op op = queue.poll(wait, TimeUnit.NANOSECONDS);
                IOException f = failure;
                if (f != null) {
                    if (op != null) {
                        op.failed(f);
                    }
                    throw f;
                }
                if (op == null) {
                    maybeCheckpoint();
                    continue;
                }
                switch (op.type) {
                    case APPEND -> layOut(op);
                    case CLOSE -> closeOp = op;
                    default -> runControl(op);
                }
                if (queue.isEmpty()) {
                    maybeCheckpoint();
                }
            }
            if (crashing) {
                failQueued(new IOException("log crashed (test)"));
                drain(); // what is laid out is in flight: let it land, as a crash after the write would
                stopIo();
                closeOp.future.complete(null);
                return;
            }
            // closed: no new ops can arrive; commit what is queued, then a clean checkpoint.
            for (Op o; (o = queue.poll()) != null; ) {
                if (o.type == APPEND) {
                    layOut(o);
                } else {
                    o.future.completeExceptionally(new IOException("log is closed"));
                }
            }
            writeCheckpoint(true);
            stopIo();
            closeOp.future.complete(null);
        } catch (Throwable t) {
            IOException io = t instanceof IOException e ? e : new IOException("writer failed: " + t, t);
            if (failure == null) {
                failure = io;
            }
            problem("writer stopped: " + t);
            LOG.error("{}: log writer stopped; appends fail until the log is reopened", device, t);
            if (closeOp != null) {
                closeOp.future.completeExceptionally(io);
            }
            synchronized (pipe) {
                if (cur.started()) { // laid out, never handed to the I/O thread (that one is another batch)
                    for (CommitBatch.Member m : cur.members) {
                        m.failed(io);
                    }
                    cur.reset();
                }
            }
            failQueued(io);
            stopIo();
        }
    }

    /** The I/O thread: writes and forces one batch at a time, then applies and acknowledges it. */
    private void ioLoop() {
        CommitBatch mine = spare;
        while (true) {
            CommitBatch b;
            synchronized (pipe) {
                long idleFrom = System.nanoTime();
                while (!cur.started() && !ioStop) {
                    try {
                        pipe.wait();
                    } catch (InterruptedException e) {
                        ioStop = true; // only close() stops this thread; an interrupt ends it the same way
                    }
                }
                ioIdleNanos.addAndGet(System.nanoTime() - idleFrom);
                if (!cur.started()) {
                    return;
                }
                b = cur;
                flushPart(); // closes b's open region; keeps the partial tail block for the next batch
                cur = mine;
                ioBusy = true;
                pipe.notifyAll();
            }
            IOException err = null;
            try {
                if (b.hasWrites()) {
                    b.writeTo(device);
                    device.force();
                    forces.incrementAndGet();
                }
            } catch (IOException e) {
                err = e;
            } catch (RuntimeException e) {
                err = new IOException("write failed: " + e, e);
            }
            long ackFrom = System.nanoTime();
            if (err == null) {
                if (b.userRecords > 0) {
                    batches.incrementAndGet();
                    batchRecords.addAndGet(b.userRecords);
                }
                for (CommitBatch.Member m : b.members) {
                    m.durable();   // index and permits first (here: a checkpoint's drain sees them applied)
                }
                if (!b.members.isEmpty()) {
                    acks.add(new ArrayList<>(b.members)); // the futures: completed on the acknowledgement thread
                }
                ioAckNanos.addAndGet(System.nanoTime() - ackFrom);
            } else {
                failure = err;
                problem("write failed, log stopped: " + err.getMessage());
                for (CommitBatch.Member m : b.members) {
                    m.failed(err);
                }
                synchronized (pipe) {
                    // laid out meanwhile, never to be written: fail them now (the writer lays out no more, it
                    // checks the failure under this lock)
                    for (CommitBatch.Member m : cur.members) {
                        m.failed(err);
                    }
                    cur.reset();
                }
                queue.add(new Op(CHECKPOINT, (byte) 0, 0, NO_KEY, NO_VALUE, 0)); // wakes the writer to stop
            }
            b.reset();
            synchronized (pipe) {
                mine = b;
                ioBusy = false;
                pipe.notifyAll();
            }
            if (err != null) {
                return;
            }
        }
    }

    /** The acknowledgement thread: completes the futures of durable batches, one batch after the other. */
    private void ackLoop() {
        while (true) {
            List<CommitBatch.Member> batch;
            try {
                batch = acks.take();
            } catch (InterruptedException e) {
                continue; // only ACKS_END (from stopIo) ends this thread: every durable append gets its answer
            }
            if (batch == ACKS_END) {
                return;
            }
            for (CommitBatch.Member m : batch) {
                try {
                    m.acknowledge();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("{}: completing an append failed: {}", device, e.toString(), e);
                }
            }
        }
    }

    private void stopIo() {
        synchronized (pipe) {
            ioStop = true;
            pipe.notifyAll();
        }
        boolean interrupted = false;
        while (ioThread != null && ioThread.isAlive() && Thread.currentThread() != ioThread) {
            try {
                ioThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // After the I/O thread: every durable batch is queued; the acknowledgements are given before close returns.
        // Bounded wait: a dependent action that waits for this very close (on the acknowledgement thread) must
        // not hang it; its remaining acknowledgements then follow as soon as it returns.
        if (ackThread != null && Thread.currentThread() != ackThread) {
            acks.add(ACKS_END);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ackThread.isAlive() && System.nanoTime() < deadline) {
                try {
                    ackThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (ackThread.isAlive()) {
                LOG.warn("{}: acknowledgements still running 10 s after close (a dependent action blocks)", device);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until everything laid out is durable and the I/O thread is idle. Writer thread only. */
    private void drain() throws IOException {
        synchronized (pipe) {
            while (cur.started() || ioBusy) {
                awaitPipe();
            }
        }
    }

    /** pipe.wait() that gives up when the I/O thread has failed. Caller holds the pipe lock. */
    private void awaitPipe() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("log stopped after an I/O error: " + f.getMessage(), f);
        }
        try {
            pipe.notifyAll(); // whatever this thread changed (a batch started, even with no record) is seen
            pipe.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the log's I/O thread", e);
        }
    }

    /** Waits (pipe lock held) until the current batch can take a record of {@code enc} bytes. */
    private void awaitRoom(int enc) throws IOException {
        while (cur.started() && (cur.room() < enc + NEXT_LEN + SEGMENT_HEADER_LEN + 3 * BLOCK
                || cur.members.size() >= config.groupCommitMaxRecords()
                || cur.buf.position() >= config.groupCommitMaxBytes())) {
            awaitPipe();
        }
    }

    private void failQueued(IOException e) {
        for (Op o; (o = queue.poll()) != null; ) {
            o.failed(e);
        }
    }

    private void runControl(Op c) throws IOException {
        try {
            if (c.type == CLEAN) {
                cleanOnce(true);
            } else {
                writeCheckpoint(false);
            }
            c.future.complete(null);
        } catch (LogFullException e) {
            c.future.completeExceptionally(e);
        } catch (IOException | RuntimeException e) {
            c.future.completeExceptionally(e);
            throw e;
        }
    }

    /** Lays one append (or delete) out in the current batch; the I/O thread acknowledges it once durable. */
    private void layOut(Op o) throws IOException {
        boolean del = (o.flags & RecordCodec.FLAG_DELETE) != 0;
        try {
            ensureSpace(o.encodedLength());
        } catch (IOException | RuntimeException e) {
            o.failed(e instanceof IOException io ? io : new IOException(e.toString(), e)); // taken off the queue: ours to fail
            throw e;
        }
        synchronized (pipe) {
            IOException f = failure;
            if (f != null) {
                o.failed(f);
                throw f;
            }
            try {
                o.loc = emitLocked(o.kind, o.flags, o.key, o.value, o.keyValueCrc, del ? Room.DELETE : Room.USER);
            } catch (LogFullException e) {
                logFull.incrementAndGet();
                o.failed(fullException());
                return;
            } catch (IOException | RuntimeException e) {
                o.failed(e instanceof IOException io ? io : new IOException(e.toString(), e));
                throw e;
            }
            cur.members.add(o);
            cur.userRecords++;
            bytesSinceCheckpoint += o.loc.length();
            pipe.notifyAll(); // an idle I/O thread takes the batch now
        }
    }

    private LogFullException fullException() {
        return new LogFullException("log full: device " + device + " of " + sb.deviceBytes() + " bytes holds "
                + liveBytes.get() + " live bytes in " + segmentCount + " segments of " + segmentBytes + " bytes, "
                + freeCount + " free (" + reserveSegments() + " kept for cleaning and checkpoints); delete records to make room",
                sb.deviceBytes(), liveBytes.get());
    }

    private void maybeCheckpoint() throws IOException {
        boolean bytesDue = bytesSinceCheckpoint >= config.checkpointIntervalBytes();
        boolean timeDue = bytesSinceCheckpoint > 0
                && System.nanoTime() - lastCheckpointNanos >= config.checkpointInterval().toNanos();
        if (bytesDue || timeDue) {
            writeCheckpoint(false);
        } else if (bytesSinceCheckpoint == 0) {
            lastCheckpointNanos = System.nanoTime();
        }
    }

    // ---- laying records out: the head, the batch buffer, segment switches (pipe lock held)

    private void beginBatch() {
        batchFirstSeq = nextSeq;
        cur.start();
        startPart();
    }

    private void startPart() {
        int blockStart = headOff & -BLOCK;
        cur.openRegion(segBase(headSeg) + blockStart, tailBlock, headOff - blockStart);
    }

    private void flushPart() {
        cur.closeRegion(tailBlock, headOff & (BLOCK - 1));
    }

    /** Lays out one record, waiting for room in the batch first. Pipe lock held. */
    private Loc emitLocked(byte kind, int flags, byte[] key, ByteBuffer value, int keyValueCrc, Room room)
            throws IOException {
        int enc = RecordCodec.encodedLength(key.length, value.remaining());
        awaitRoom(enc);
        if (!cur.started()) {
            beginBatch();
        }
        if (headOff == 0) {
            emitSegmentHeader();
        }
        if (headOff + enc + NEXT_LEN > segmentBytes) {
            switchSegment(allocateSegment(room));
        }
        return put(kind, flags, key, value, keyValueCrc, enc);
    }

    /** {@link #emitLocked} for the engine's own records (checkpoint chunks, cleaner copies). */
    private Loc emit(byte kind, int flags, byte[] key, ByteBuffer value, Room room) throws IOException {
        int crc = Crc32c.of(key, value);
        synchronized (pipe) {
            Loc l = emitLocked(kind, flags, key, value, crc, room);
            pipe.notifyAll();
            return l;
        }
    }

    private Loc put(byte kind, int flags, byte[] key, ByteBuffer value, int keyValueCrc, int enc) {
        int crc = RecordCodec.encode(cur.buf, kind, flags, key, value, nextSeq, prevCrc, (int) (nextSeq - batchFirstSeq),
                sb.uuid(), keyValueCrc);
        Loc loc = new Loc(headSeg, headOff, RecordCodec.length(key.length, value.remaining()), nextSeq);
        prevCrc = crc;
        nextSeq++;
        headOff += enc;
        cur.markDirty();
        bytesAppended.addAndGet(enc);
        return loc;
    }

    private void emitSegmentHeader() {
        ByteBuffer v = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        v.putInt(headSeg).putLong(sb.uuid().getMostSignificantBits()).putLong(sb.uuid().getLeastSignificantBits()).flip();
        put(RecordCodec.KIND_SEGMENT_HEADER, 0, NO_KEY, v, Crc32c.of(NO_KEY, v), SEGMENT_HEADER_LEN);
    }

    private void switchSegment(int next) {
        ByteBuffer v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, next);
        put(RecordCodec.KIND_NEXT_SEGMENT, 0, NO_KEY, v, Crc32c.of(NO_KEY, v), NEXT_LEN);
        segSealSeq[headSeg] = nextSeq - 1;
        flushPart();
        headSeg = next;
        headOff = 0;
        segSealSeq[next] = OPEN;
        startPart();
        emitSegmentHeader();
    }

    private int reserveSegments() {
        long usable = segmentBytes - SEGMENT_HEADER_LEN - NEXT_LEN;
        long snap = snapshotBytes.get();
        long ckpt = snap + (snap / chunkBytes + 1) * (RecordCodec.HEADER_BYTES + 16L);
        return (int) Math.min(Integer.MAX_VALUE, 2 + (ckpt + usable - 1) / usable);
    }

    private int allocateSegment(Room room) throws LogFullException {
        int keep = switch (room) {
            case USER -> reserveSegments();
            case DELETE -> 1;
            case INTERNAL -> 0;
        };
        if (freeCount <= keep) {
            throw fullException();
        }
        int s = freeList.pollFirst();
        segFree[s] = false;
        freeCount--;
        return s;
    }

    private long headRoom() {
        return segmentBytes - headOff - NEXT_LEN - (headOff == 0 ? SEGMENT_HEADER_LEN : 0);
    }

    /** Cleans until a record of {@code need} bytes fits without touching the reserve, or nothing more can be won. */
    private void ensureSpace(long need) throws IOException {
        long usable = segmentBytes - SEGMENT_HEADER_LEN - NEXT_LEN;
        for (int round = 0; round < segmentCount; round++) {
            long room = headRoom() + Math.max(0, freeCount - reserveSegments()) * usable;
            if (room >= need) {
                return;
            }
            int before = freeCount;
            if (!cleanOnce(false) || freeCount <= before && round > 2) {
                return;
            }
        }
    }

    /**
     * Copies the live records of the emptiest sealed segment to the head, then checkpoints, which frees it (and
     * every other sealed segment without live records). Returns false when no segment is worth cleaning.
     * Drains the pipeline first: the index and the live counts are then final.
     */
    private boolean cleanOnce(boolean asked) throws IOException {
        drain();
        long usable = segmentBytes - SEGMENT_HEADER_LEN - NEXT_LEN;
        int victim = -1;
        long best = Long.MAX_VALUE;
        for (int s = 0; s < segmentCount; s++) {
            if (!segFree[s] && s != headSeg && segSealSeq[s] != OPEN && segLive.get(s) < best) {
                best = segLive.get(s);
                victim = s;
            }
        }
        if (victim < 0) {
            return false;
        }
        long maxRecord = RecordCodec.encodedLength(MAX_KEY_BYTES, maxDecodeValue);
        if (best > usable - Math.min(maxRecord, usable / 8)) {
            return false; // the emptiest segment is (nearly) all live: cleaning wins nothing
        }
        long room = headRoom() + (long) freeCount * usable;
        long snap = snapshotBytes.get();
        long checkpointBytes = snap + (snap / chunkBytes + 1) * (RecordCodec.HEADER_BYTES + 16L);
        if (best + checkpointBytes + 4L * BLOCK > room) {
            return false; // copying would leave no room for the checkpoint that frees the segment
        }
        if (best > 0) {
            List<Map.Entry<IndexKey, Loc>> live = new ArrayList<>();
            for (Map.Entry<IndexKey, Loc> e : index.entrySet()) {
                if (e.getValue().segment() == victim) {
                    live.add(e);
                }
            }
            List<Object[]> moves = new ArrayList<>(live.size());
            long copied = 0;
            for (Map.Entry<IndexKey, Loc> e : live) {
                Loc from = e.getValue();
                ByteBuffer buf = borrow(from.offset(), from.length());
                try {
                    DecodedRecord r = readRecord(buf, from);
                    if (r.seq() != from.seq() || r.kind() != e.getKey().kind || !Arrays.equals(r.key(), e.getKey().key)) {
                        throw new CorruptRecordException("record at the indexed location is another one",
                                segBase(from.segment()) + from.offset());
                    }
                    Loc to = emit(r.kind(), 0, r.key(), r.value(), Room.INTERNAL);
                    moves.add(new Object[] {e.getKey(), from, to});
                    copied += from.length();
                } catch (CorruptRecordException ex) {
                    problem("cleaner dropped a corrupt record of kind " + (e.getKey().kind & 0xFF) + " key "
                            + HexFormat.of().formatHex(e.getKey().key) + ": " + ex.getMessage());
                    applyRemove(e.getKey());
                } finally {
                    giveBack(buf);
                }
            }
            drain();
            for (Object[] m : moves) {
                applyMove((IndexKey) m[0], (Loc) m[1], ((Loc) m[2]).carrying((Loc) m[1]));
            }
            cleanerBytes.addAndGet(copied);
            bytesSinceCheckpoint += copied;
        }
        cleanerRuns.incrementAndGet();
        return writeCheckpoint(false);
    }

    // ---- checkpoints

    /**
     * Writes the index snapshot as chunk records, then the alternate slot pointing at them; frees what it can.
     * Drains the pipeline first, so the snapshot covers exactly the records before its covered position.
     */
    private boolean writeCheckpoint(boolean clean) throws IOException {
        drain();
        long coveredSeq = nextSeq;
        int coveredSeg = headSeg;
        int coveredOff = headOff;
        int coveredCrc = prevCrc;
        long generation = checkpointGeneration + 1;
        List<Layout.ChunkRef> refs = new ArrayList<>();
        Set<Integer> chunkSegs = new HashSet<>();
        ByteBuffer chunk = ByteBuffer.allocate(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
        long entries = 0;
        long bytes = 0;
        try {
            for (Map.Entry<IndexKey, Loc> e : index.entrySet()) {
                IndexKey k = e.getKey();
                Loc l = e.getValue();
                int entryBytes = l.snapshotBytes(k.key.length);
                if (chunk.remaining() < entryBytes) {
                    emitChunk(chunk, generation, refs, chunkSegs);
                }
                byte[] in = l.inline();
                chunk.put(k.kind).put((byte) (k.key.length | (in == null ? 0 : ENTRY_INLINE_FLAG))).put(k.key)
                        .putInt(l.segment()).putInt(l.offset()).putInt(l.length()).putLong(l.seq());
                if (in != null) {
                    chunk.put((byte) in.length).put(in).putLong(l.hint().value);
                }
                entries++;
                bytes += entryBytes;
            }
            if (chunk.position() > 0) {
                emitChunk(chunk, generation, refs, chunkSegs);
            }
        } catch (LogFullException e) {
            drain();
            problem("checkpoint skipped: no room for " + bytes + " bytes of index snapshot");
            return false;
        }
        drain();
        if (refs.size() > Layout.MAX_CHUNKS) {
            problem("checkpoint skipped: index snapshot needs " + refs.size() + " chunks, a slot holds " + Layout.MAX_CHUNKS);
            return false;
        }
        // The pipeline is idle (drained, and only this thread lays records out): the slot is written here.
        Layout.Slot slot = new Layout.Slot(generation, sb.uuid(), coveredSeq, coveredSeg, coveredOff, coveredCrc, entries,
                bytes, System.currentTimeMillis(), clean, nextSeq, refs);
        device.write(copyAligned(slot.encode()), generation % 2 == 1 ? Layout.SLOT_A : Layout.SLOT_B);
        device.force();
        forces.incrementAndGet();
        checkpointGeneration = generation;
        checkpointSeq = coveredSeq;
        checkpointPosition = "segment " + coveredSeg + " offset " + coveredOff;
        checkpointChunkSegments = chunkSegs;
        bytesSinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
        checkpoints.incrementAndGet();
        recomputeFree();
        return true;
    }

    private void emitChunk(ByteBuffer chunk, long generation, List<Layout.ChunkRef> refs, Set<Integer> segs)
            throws IOException {
        chunk.flip();
        ByteBuffer key = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(generation).putInt(refs.size());
        Loc l = emit(RecordCodec.KIND_CHECKPOINT, 0, key.array(), chunk, Room.INTERNAL);
        refs.add(new Layout.ChunkRef(l.segment(), l.offset(), l.length()));
        segs.add(l.segment());
        chunk.clear();
    }

    /** A segment is free when it is sealed before the durable checkpoint, holds no live record and no chunk of it. */
    private void recomputeFree() {
        for (int s = 0; s < segmentCount; s++) {
            if (!segFree[s] && s != headSeg && segSealSeq[s] < checkpointSeq && segLive.get(s) == 0
                    && !checkpointChunkSegments.contains(s)) {
                segFree[s] = true;
                segSealSeq[s] = OPEN;
                freeList.addLast(s);
            }
        }
        freeCount = freeList.size();
    }

    // =====================================================================================================
    // recovery
    // =====================================================================================================

    /** A window over one segment for sequential scanning. */
    private final class Window {
        final ByteBuffer buf;
        int seg = -1;
        int start;
        int end;

        Window(int bytes) {
            buf = aligned(bytes);
        }

        /** A view at segment offset {@code off} with at least {@code need} bytes (less at the segment's end). */
        ByteBuffer view(int s, int off, int need) throws IOException {
            int want = (int) Math.min(need, segmentBytes - off);
            if (s != seg || off < start || off + want > end) {
                int st = off & -BLOCK;
                int len = (int) Math.min(buf.capacity(), segmentBytes - st);
                buf.clear().limit(len);
                int n = device.read(buf, segBase(s) + st);
                seg = s;
                start = st;
                end = st + n;
                if (off + want > end) {
                    want = Math.max(0, end - off);
                }
            }
            return buf.duplicate().limit(off - start + want).position(off - start);
        }

        /** The valid record at (s, off), or null (with no exception) when there is none. */
        DecodedRecord record(int s, int off) throws IOException {
            if (off < 0 || off + RecordCodec.HEADER_BYTES > segmentBytes) {
                return null;
            }
            ByteBuffer v = view(s, off, RecordCodec.HEADER_BYTES);
            int len = RecordCodec.peekLength(v, maxDecodeValue);
            if (len < 0 || off + len > segmentBytes) {
                return null;
            }
            v = view(s, off, len);
            try {
                return RecordCodec.decode(v, maxDecodeValue, sb.uuid());
            } catch (CorruptRecordException e) {
                return null;
            }
        }

        /** The first 8-aligned offset at or after {@code from} holding the record magic, or segmentBytes when none. */
        int nextMagic(int s, int from) throws IOException {
            int p = from;
            while (p + RecordCodec.HEADER_BYTES <= segmentBytes) {
                view(s, p, RecordCodec.HEADER_BYTES);
                if (end - p < 4) {
                    break;
                }
                ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                for (; p + 4 <= end; p += RecordCodec.ALIGN) {
                    if (b.getInt(p - start) == RecordCodec.MAGIC) {
                        return p;
                    }
                }
            }
            return (int) segmentBytes;
        }
    }

    private record Resync(int segment, int offset, DecodedRecord record) {
    }

    private void recover() throws IOException {
        long t0 = System.nanoTime();
        List<Layout.Slot> slots = new ArrayList<>();
        for (long at : new long[] {Layout.SLOT_A, Layout.SLOT_B}) {
            ByteBuffer b = aligned(Layout.SLOT_BYTES);
            device.read(b, at);
            b.flip();
            try {
                slots.add(Layout.Slot.decode(b, sb.uuid(), sb));
            } catch (CorruptRecordException e) {
                // format writes both slots and a slot is only ever overwritten by a newer checkpoint: an unusable
                // slot (blank included) is damage or a torn slot write, and it may have held the newest checkpoint,
                // so a loss in the log after the older checkpoint must not pass for a clean torn tail. Reported.
                problem("checkpoint slot " + (at == Layout.SLOT_A ? "A" : "B") + " at " + at + " unusable: "
                        + e.reason() + "; recovering from the other slot");
            }
        }
        slots.sort((x, y) -> Long.compare(y.generation(), x.generation()));
        Layout.Slot used = null;
        for (Layout.Slot s : slots) {
            try {
                loadCheckpoint(s);
                used = s;
                break;
            } catch (CorruptRecordException e) {
                problem("checkpoint generation " + s.generation() + " unusable (" + e.getMessage() + "); trying the other slot");
                resetIndex();
            }
        }
        if (used == null) {
            throw new CorruptRecordException("no usable checkpoint on " + device
                    + ": both slots are missing or corrupt, so the log's start is unknown");
        }
        Set<Integer> chain = new HashSet<>();
        replay(used, chain);
        if (nextSeq < used.tailSeq()) {
            // The slot was written (after its chunks were forced) when the log's next seq was tailSeq: every record
            // before it was durable, so a replay that ends earlier lost acknowledged records, whatever the break
            // looked like.
            corrupt.incrementAndGet();
            problem("the log ends at seq " + nextSeq + " but checkpoint generation " + used.generation()
                    + " was written when it reached seq " + used.tailSeq() + ": records " + nextSeq + ".."
                    + (used.tailSeq() - 1) + " were durable and are lost");
        }
        // segment states
        Set<Integer> chunkSegs = new HashSet<>();
        for (Layout.ChunkRef c : used.chunks()) {
            chunkSegs.add(c.segment());
        }
        for (int s = 0; s < segmentCount; s++) {
            if (s == headSeg) {
                segSealSeq[s] = OPEN;
            } else if (chain.contains(s)) {
                if (segSealSeq[s] == 0) {
                    segSealSeq[s] = nextSeq - 1; // left by a resync: sealed as far as we can tell
                }
            } else if (segLive.get(s) > 0 || chunkSegs.contains(s)) {
                segSealSeq[s] = used.coveredSeq() - 1;
            } else {
                segFree[s] = true;
                segSealSeq[s] = OPEN;
                freeList.addLast(s);
            }
        }
        freeCount = freeList.size();
        checkpointGeneration = used.generation();
        checkpointSeq = used.coveredSeq();
        checkpointPosition = "segment " + used.coveredSegment() + " offset " + used.coveredOffset();
        checkpointChunkSegments = chunkSegs;
        int blockStart = headOff & -BLOCK;
        if (headOff != blockStart) {
            ByteBuffer b = aligned(BLOCK);
            device.read(b, segBase(headSeg) + blockStart);
            b.flip();
            b.get(tailBlock, 0, headOff - blockStart);
        }
        recoveryMillis = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("{}: recovered {} live records; replayed {} records after checkpoint {} in {} ms", device, index.size(),
                recoveryRecords, used.generation(), recoveryMillis);
    }

    private void resetIndex() {
        index.clear();
        for (int i = 0; i < segmentCount; i++) {
            segLive.set(i, 0);
        }
        for (int k = 0; k < 256; k++) {
            kindRecords.set(k, 0);
            kindBytes.set(k, 0);
        }
        liveBytes.set(0);
        snapshotBytes.set(0);
    }

    private void loadCheckpoint(Layout.Slot slot) throws IOException {
        long entries = 0;
        for (int i = 0; i < slot.chunks().size(); i++) {
            Layout.ChunkRef c = slot.chunks().get(i);
            Loc loc = new Loc(c.segment(), c.offset(), c.length(), -1);
            ByteBuffer buf = borrow(c.offset(), c.length());
            try {
                DecodedRecord r = readRecord(buf, loc);
                ByteBuffer key = ByteBuffer.wrap(r.key()).order(ByteOrder.LITTLE_ENDIAN);
                if (r.kind() != RecordCodec.KIND_CHECKPOINT || r.key().length != 12 || key.getLong(0) != slot.generation()
                        || key.getInt(8) != i) {
                    throw new CorruptRecordException("chunk " + i + " is not part of checkpoint " + slot.generation());
                }
                ByteBuffer v = r.value().order(ByteOrder.LITTLE_ENDIAN);
                while (v.hasRemaining()) {
                    if (v.remaining() < ENTRY_FIXED_BYTES) {
                        throw new CorruptRecordException("truncated checkpoint entry in chunk " + i);
                    }
                    byte kind = v.get();
                    int kl = v.get() & 0xFF;
                    boolean inline = (kl & ENTRY_INLINE_FLAG) != 0;
                    kl &= ~ENTRY_INLINE_FLAG;
                    if (kl > MAX_KEY_BYTES || v.remaining() < kl + ENTRY_FIXED_BYTES - 2) {
                        throw new CorruptRecordException("bad checkpoint entry key length " + kl + " in chunk " + i);
                    }
                    byte[] k = new byte[kl];
                    v.get(k);
                    int seg = v.getInt();
                    int off = v.getInt();
                    int len = v.getInt();
                    long seq = v.getLong();
                    if (seg < 0 || seg >= segmentCount || off < 0 || len < RecordCodec.HEADER_BYTES
                            || (long) off + len > segmentBytes || seq < 1 || seq >= slot.coveredSeq()) {
                        throw new CorruptRecordException("checkpoint entry out of range in chunk " + i);
                    }
                    byte[] value = null;
                    Hint hint = null;
                    if (inline) {
                        int vl = v.hasRemaining() ? v.get() & 0xFF : -1;
                        if (vl < 0 || v.remaining() < vl + 8 || len != RecordCodec.length(kl, vl)) {
                            throw new CorruptRecordException("bad inline value in checkpoint chunk " + i);
                        }
                        value = new byte[vl];
                        v.get(value);
                        hint = new Hint(v.getLong());
                    }
                    applyPut(new IndexKey(kind, k), new Loc(seg, off, len, seq, value, hint));
                    entries++;
                }
            } finally {
                giveBack(buf);
            }
        }
        if (entries != slot.entryCount()) {
            throw new CorruptRecordException("checkpoint holds " + entries + " entries, its slot says " + slot.entryCount());
        }
    }

    private void replay(Layout.Slot slot, Set<Integer> chain) throws IOException {
        Window w = new Window(Math.max(4 << 20, readBufferBytes));
        int seg = slot.coveredSegment();
        int off = slot.coveredOffset();
        long expect = slot.coveredSeq();
        int crc = slot.coveredPrevCrc();
        chain.add(seg);
        long replayed = 0;
        while (true) {
            DecodedRecord r = w.record(seg, off);
            if (!follows(r, seg, off, expect, crc)) {
                Resync rs = lookAhead(w, seg, off, expect, chain);
                if (rs == null) {
                    break;
                }
                long lost = rs.record().seq() - expect;
                corrupt.addAndGet(1);
                problem("corruption in the middle of the log at segment " + seg + " offset " + off + ": " + lost
                        + " record(s) (seq " + expect + ".." + (rs.record().seq() - 1)
                        + ") unreadable, later records are intact; replay resumed at segment " + rs.segment()
                        + " offset " + rs.offset() + "; keys in the lost records are unknown");
                if (rs.segment() != seg) {
                    segSealSeq[seg] = rs.record().seq() - 1;
                }
                seg = rs.segment();
                off = rs.offset();
                r = rs.record();
                chain.add(seg);
            }
            byte kind = r.kind();
            if (!RecordCodec.isReservedKind(kind)) {
                replayed++;
                IndexKey k = new IndexKey(kind, r.key());
                if (r.isDelete()) {
                    applyRemove(k);
                } else {
                    applyPut(k, withInline(kind, new Loc(seg, off, r.length(), r.seq()), r.value()));
                }
                bytesSinceCheckpoint += r.length();
            }
            expect = r.seq() + 1;
            crc = r.crc();
            if (kind == RecordCodec.KIND_NEXT_SEGMENT) {
                segSealSeq[seg] = r.seq();
                seg = r.value().order(ByteOrder.LITTLE_ENDIAN).getInt(r.value().position());
                off = 0;
                chain.add(seg);
            } else {
                off += r.encodedLength();
            }
        }
        headSeg = seg;
        headOff = off;
        nextSeq = expect;
        prevCrc = crc;
        recoveryRecords = replayed;
    }

    /** True when {@code r} is the record the chain expects at (seg, off). */
    private boolean follows(DecodedRecord r, int seg, int off, long expect, int crc) {
        if (r == null || r.seq() != expect || r.prevCrc() != crc) {
            return false;
        }
        return wellPlaced(r, seg, off);
    }

    /** Engine records are checked for their place: headers open their own segment, NEXT names a valid other one. */
    private boolean wellPlaced(DecodedRecord r, int seg, int off) {
        boolean header = r.kind() == RecordCodec.KIND_SEGMENT_HEADER;
        if ((off == 0) != header) {
            return false;
        }
        if (header) {
            ByteBuffer v = r.value().order(ByteOrder.LITTLE_ENDIAN);
            int p = v.position();
            return v.remaining() == 20 && v.getInt(p) == seg && v.getLong(p + 4) == sb.uuid().getMostSignificantBits()
                    && v.getLong(p + 12) == sb.uuid().getLeastSignificantBits();
        }
        if (r.kind() == RecordCodec.KIND_NEXT_SEGMENT) {
            ByteBuffer v = r.value().order(ByteOrder.LITTLE_ENDIAN);
            if (v.remaining() != 4) {
                return false;
            }
            int n = v.getInt(v.position());
            return n >= 0 && n < segmentCount && n != seg;
        }
        return true;
    }

    /**
     * The chain broke at (seg, off) where seq {@code expect} should be. If records of a LATER commit batch exist
     * after it, the bad record had been made durable (batches are written only after the previous one is forced):
     * that is corruption in the middle of the log, and we resume at the first valid record after it. Otherwise the
     * break is the torn tail of the last, unacknowledged batch, and null is returned. Costs at most one segment's
     * read (plus one header per segment when the break is near a segment's end, where a lost NEXT could hide the
     * rest), so recovery stays bounded by the checkpoint interval.
     */
    private Resync lookAhead(Window w, int seg, int off, long expect, Set<Integer> chain) throws IOException {
        long torn = 0;
        // Only records of this log may resume a replay: the segment's header must carry our uuid (stale records of
        // a previous format, or of a previous use of the segment, are never taken for ours).
        DecodedRecord h = w.record(seg, 0);
        boolean ours = h != null && h.seq() <= expect && wellPlaced(h, seg, 0);
        if (!ours && off > 0) {
            corrupt.incrementAndGet();
            problem("segment " + seg + " has no valid header although the log reached offset " + off
                    + " in it: records after seq " + (expect - 1) + " there cannot be trusted and are not replayed");
        }
        int p = ours ? off + RecordCodec.ALIGN : (int) segmentBytes;
        while (p + RecordCodec.HEADER_BYTES <= segmentBytes) {
            p = w.nextMagic(seg, p);
            if (p + RecordCodec.HEADER_BYTES > segmentBytes) {
                break;
            }
            DecodedRecord r = w.record(seg, p);
            if (r == null || r.seq() <= expect || !wellPlaced(r, seg, p)) {
                p += RecordCodec.ALIGN;
                continue;
            }
            int[] stop = new int[1];
            if (reachesLaterBatch(w, seg, p, r, expect, stop)) {
                recoveryTornRecords = 0;
                return new Resync(seg, p, w.record(seg, p));
            }
            torn++;
            p = Math.max(p + RecordCodec.ALIGN, stop[0]);
        }
        if (off > segmentBytes - RecordCodec.encodedLength(MAX_KEY_BYTES, maxDecodeValue) - NEXT_LEN - SEGMENT_HEADER_LEN) {
            Resync best = null;
            for (int s = 0; s < segmentCount; s++) {
                if (chain.contains(s)) {
                    continue;
                }
                DecodedRecord hdr = w.record(s, 0);
                if (hdr != null && hdr.seq() > expect && wellPlaced(hdr, s, 0)
                        && (best == null || hdr.seq() < best.record().seq())
                        && reachesLaterBatch(w, s, 0, hdr, expect, new int[1])) {
                    best = new Resync(s, 0, w.record(s, 0));
                }
            }
            if (best != null) {
                return new Resync(best.segment(), best.offset(), w.record(best.segment(), 0));
            }
        }
        recoveryTornRecords = torn;
        if (torn > 0) {
            problem("torn tail at segment " + seg + " offset " + off + " (seq " + expect
                    + "): the last, unacknowledged batch was partly written; dropped");
        }
        return null;
    }

    /** Follows the chain from {@code r} until it breaks or reaches a record of a batch starting after {@code expect}. */
    private boolean reachesLaterBatch(Window w, int seg, int off, DecodedRecord r, long expect, int[] stopInFirstSegment)
            throws IOException {
        int s = seg;
        int o = off;
        while (r != null) {
            if (r.batchFirstSeq() > expect) {
                return true;
            }
            long nextExpect = r.seq() + 1;
            int c = r.crc();
            if (r.kind() == RecordCodec.KIND_NEXT_SEGMENT) {
                s = r.value().order(ByteOrder.LITTLE_ENDIAN).getInt(r.value().position());
                o = 0;
            } else {
                o += r.encodedLength();
                if (s == seg) {
                    stopInFirstSegment[0] = o;
                }
            }
            DecodedRecord n = w.record(s, o);
            r = follows(n, s, o, nextExpect, c) ? n : null;
        }
        return false;
    }
}
