package org.stateos.store.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.stateos.store.Unit;
import org.stateos.store.UnitId;

/** Verified units kept in memory, least recently used first out, bounded in encoded bytes. */
final class UnitCache {
    private final long capacity;
    private final LinkedHashMap<UnitId, Unit> map = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    UnitCache(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    synchronized Unit get(UnitId id) {
        Unit u = map.get(id);
        if (u == null) {
            misses++;
        } else {
            hits++;
        }
        return u;
    }

    /** As {@link #get} without counting a hit or miss (the store's own lookups are not the callers' hit rate). */
    synchronized Unit peek(UnitId id) {
        return map.get(id);
    }

    /** Keeps {@code u}, read as {@code id} (the key is not re-hashed from the bytes: the caller knows it). */
    synchronized void put(UnitId id, Unit u) {
        if (u.encodedSize() > capacity / 4) {
            return;   // a unit larger than a quarter of the cache would flush it for one read
        }
        Unit old = map.put(id, u);
        if (old != null) {
            bytes -= old.encodedSize();
        }
        bytes += u.encodedSize();
        Iterator<Map.Entry<UnitId, Unit>> it = map.entrySet().iterator();
        while (bytes > capacity && it.hasNext()) {
            bytes -= it.next().getValue().encodedSize();
            it.remove();
        }
    }

    synchronized void remove(UnitId id) {
        Unit old = map.remove(id);
        if (old != null) {
            bytes -= old.encodedSize();
        }
    }

    synchronized void clear() {
        map.clear();
        bytes = 0;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    synchronized long bytes() {
        return bytes;
    }
}
