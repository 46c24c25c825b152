package org.stateos.store.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The storage engine under the unit store: an append-only, crash-safe log of keyed records on a raw
 * block device or a preallocated file, with an in-memory index from key to the newest live record.
 *
 * <p>Contract shared by the engine, the unit store above it, the crash tests and the benchmark:
 * <ul>
 *   <li>A record is (kind, key, value). Keys are at most {@link #MAX_KEY_BYTES}; values at most the
 *       configured maximum (default {@link #DEFAULT_MAX_VALUE_BYTES}). For a kind, the newest appended
 *       record with a key wins ({@link #read}); immutable kinds (units) simply never append a key twice.</li>
 *   <li>{@link #append} completes its future only once the record is durable on the device: written
 *       and covered by a completed force/fdatasync. Concurrent appends are group-committed.</li>
 *   <li>Every record carries a CRC32C checked on every read; a bad record is never returned:
 *       {@link #read} throws {@link CorruptRecordException} and the record is reported in stats.</li>
 *   <li>After a crash at any moment, {@link #open} restores every record whose append completed,
 *       drops a torn tail, and takes time bounded by the checkpoint interval, not the device size.</li>
 *   <li>{@link #delete} makes a key's record dead (eviction, tombstoned data); its space is reclaimed
 *       later by segment cleaning. A full device fails appends with {@link LogFullException}.</li>
 * </ul>
 */
public interface RecordLog extends AutoCloseable {
    int MAX_KEY_BYTES = 64;
    int DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024;

    /**
     * Appends a record; completes when it is durable, exceptionally with an IOException or LogFullException. The
     * engine may keep a view of {@code value} until then instead of a copy: do not change its bytes meanwhile.
     */
    CompletableFuture<Void> append(byte kind, byte[] key, ByteBuffer value);

    /** The newest live value for (kind, key), read from the device and CRC-checked; null when absent. */
    ByteBuffer read(byte kind, byte[] key) throws IOException;

    /**
     * As {@link #read}, without copying: the value views the engine's read buffer (CRC-checked like every read)
     * until the returned view is closed. For callers that consume the bytes at once (hash, decode, send): the
     * copy into caller-owned memory that {@link #read} makes is a second memory pass per value. Null when absent.
     */
    default RecordView readView(byte kind, byte[] key) throws IOException {
        ByteBuffer v = read(kind, key);
        return v == null ? null : RecordView.of(v);
    }

    boolean contains(byte kind, byte[] key);

    /**
     * Sets an advisory number kept with a record of an inline kind (e.g. a last-use time) in memory and in the
     * engine's checkpoints only: no record is written, so after a crash it is as of the last checkpoint. A new
     * version of the record keeps the larger of its hints. Ignored for other kinds and absent keys.
     */
    default void setHint(byte kind, byte[] key, long hint) {
    }

    /** The hint set by {@link #setHint} (0 when none, or not kept). */
    default long hint(byte kind, byte[] key) {
        return 0;
    }

    /** Marks the record dead, durably (a small delete record), so recovery does not bring it back. */
    CompletableFuture<Void> delete(byte kind, byte[] key);

    /** Calls {@code visitor} for every live key of {@code kind}, in no particular order. */
    void forEachKey(byte kind, java.util.function.Consumer<byte[]> visitor);

    LogStats stats();

    @Override
    void close() throws IOException;
}
