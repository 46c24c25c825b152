package org.stateos.store;

import java.util.Map;

/**
 * A snapshot of the store for store:stats and monitoring.
 *
 * @param device      the device or file path
 * @param directIo    true with O_DIRECT; false after the fallback to buffered I/O + force (tmpfs, overlays)
 * @param deviceBytes the device's usable size
 * @param unitBytes   encoded bytes of the units held (excluding the engine's own overhead)
 * @param classes     units, bytes and quota per retention class (every class present)
 * @param engine      the storage engine's own figures (segments, free bytes, commits, corrupt records, ...)
 */
public record StoreStats(
        String device,
        boolean directIo,
        long deviceBytes,
        long units,
        long unitBytes,
        Map<RetentionClass, ClassUsage> classes,
        long objects,
        long forkedObjects,
        long indexedTracks,
        long indexEntries,
        long cacheHits,
        long cacheMisses,
        long cacheBytes,
        long evictedUnits,
        long evictedBytes,
        long corruptReads,
        Map<String, String> engine) {

    public StoreStats {
        classes = Map.copyOf(classes);
        engine = Map.copyOf(engine);
    }

    /** @param quotaBytes 0 when the class has no quota */
    public record ClassUsage(long units, long bytes, long quotaBytes) {}
}
