package org.stateos.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.stateos.store.internal.log.CorruptRecordException;
import org.stateos.store.internal.log.LogFullException;
import org.stateos.store.internal.log.LogStats;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.RecordView;

/**
 * A test-only RecordLog in memory: appends complete at once (or are held back on demand), a capacity in value
 * bytes makes appends fail with LogFullException, and records can be corrupted to test verification.
 * Survives "restarts": a new StoreCore over the same instance sees what was appended.
 */
final class MemoryRecordLog implements RecordLog {
    private final Map<String, byte[]> records = new ConcurrentHashMap<>();
    private final Map<String, Boolean> corrupt = new ConcurrentHashMap<>();
    private volatile long capacity = Long.MAX_VALUE;
    private volatile boolean hold;
    /** The thread that made the last read: which thread does the store's device I/O. */
    volatile String lastReadThread;
    private final List<Runnable> held = new ArrayList<>();
    int appends;

    private static String k(byte kind, byte[] key) {
        return (kind & 0xff) + ":" + HexFormat.of().formatHex(key);
    }

    void capacity(long bytes) {
        capacity = bytes;
    }

    long used() {
        return records.values().stream().mapToLong(v -> v.length).sum();
    }

    /** Holds appends back until {@link #release()} (to observe ordering of concurrent operations). */
    void hold() {
        hold = true;
    }

    void release() {
        List<Runnable> r;
        synchronized (held) {
            hold = false;
            r = new ArrayList<>(held);
            held.clear();
        }
        r.forEach(Runnable::run);
    }

    /** Flips a byte of a stored value (the unit's bytes no longer match its id). */
    void flip(byte kind, byte[] key, int offset) {
        records.get(k(kind, key))[offset] ^= 0x40;
    }

    /** Makes reads of the record fail their checksum. */
    void corruptCrc(byte kind, byte[] key) {
        corrupt.put(k(kind, key), true);
    }

    @Override
    public synchronized CompletableFuture<Void> append(byte kind, byte[] key, ByteBuffer value) {
        byte[] v = new byte[value.remaining()];
        value.duplicate().get(v);
        if (used() + v.length > capacity) {
            return CompletableFuture.failedFuture(new LogFullException("memory log full", capacity, used()));
        }
        appends++;
        records.put(k(kind, key.clone()), v);
        corrupt.remove(k(kind, key));
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (held) {
            if (hold) {
                held.add(() -> f.complete(null));
                return f;
            }
        }
        f.complete(null);
        return f;
    }

    /** While set, reads wait for it (to act on a read in flight). */
    volatile CountDownLatch readGate;

    @Override
    public ByteBuffer read(byte kind, byte[] key) throws IOException {
        lastReadThread = Thread.currentThread().getName();
        CountDownLatch gate = readGate;
        if (gate != null) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("test read gate not opened in 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the test read gate", e);
            }
        }
        String kk = k(kind, key);
        if (corrupt.containsKey(kk)) {
            throw new CorruptRecordException("CRC32C mismatch");
        }
        byte[] v = records.get(kk);
        return v == null ? null : ByteBuffer.wrap(v.clone());
    }

    /** Views lent by {@link #readView} and not closed yet: the store must give back every buffer it borrows. */
    final AtomicInteger lentViews = new AtomicInteger();
    /** Views ever lent. */
    final AtomicInteger viewsLentInAll = new AtomicInteger();

    @Override
    public RecordView readView(byte kind, byte[] key) throws IOException {
        ByteBuffer v = read(kind, key);
        if (v == null) {
            return null;
        }
        lentViews.incrementAndGet();
        viewsLentInAll.incrementAndGet();
        ByteBuffer ro = v.asReadOnlyBuffer();
        return new RecordView() {
            private boolean closed;

            @Override
            public ByteBuffer value() {
                return ro;
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    lentViews.decrementAndGet();
                }
            }
        };
    }

    @Override
    public boolean contains(byte kind, byte[] key) {
        return records.containsKey(k(kind, key));
    }

    @Override
    public CompletableFuture<Void> delete(byte kind, byte[] key) {
        records.remove(k(kind, key));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void forEachKey(byte kind, Consumer<byte[]> visitor) {
        String prefix = (kind & 0xff) + ":";
        for (String s : new ArrayList<>(records.keySet())) {
            if (s.startsWith(prefix)) {
                visitor.accept(HexFormat.of().parseHex(s.substring(prefix.length())));
            }
        }
    }

    @Override
    public LogStats stats() {
        return null;
    }

    @Override
    public void close() {
    }
}
