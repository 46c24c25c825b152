package org.stateos.store.internal;

import java.util.EnumMap;
import java.util.Map;

import org.stateos.store.RetentionClass;
import org.stateos.store.Unit;

/**
 * The store's logic settings, from {@link StoreConfig} (or set directly by tests).
 *
 * @param quotas             bytes per retention class; 0 = no quota
 * @param evictHighPercent   when units fill more than this share of the device, evict ...
 * @param evictLowPercent    ... down to this share
 * @param walkMaxUnits       most units read to decide whether one head descends from another; beyond it, a fork
 * @param maxClockSkewMillis how far ahead of our wall clock a remote clock is followed
 * @param hashOnRead         re-hash units read from the device against their ids (CRC32C is checked always)
 */
public record StoreSettings(int maxUnitBytes, long cacheBytes, Map<RetentionClass, Long> quotas,
                            int evictHighPercent, int evictLowPercent, int walkMaxUnits, long maxClockSkewMillis,
                            boolean hashOnRead) {
    public StoreSettings {
        quotas = Map.copyOf(quotas);
        if (maxUnitBytes < 1024) {
            throw new IllegalArgumentException("unit.max.bytes " + maxUnitBytes + " is below 1024");
        }
        if (evictLowPercent < 1 || evictHighPercent > 100 || evictLowPercent > evictHighPercent) {
            throw new IllegalArgumentException("need 1 <= evict.low.percent <= evict.high.percent <= 100");
        }
    }

    public static StoreSettings defaults() {
        return new StoreSettings(Unit.DEFAULT_MAX_BYTES, 64L << 20, new EnumMap<>(RetentionClass.class), 90, 80,
                100_000, 60_000, false);
    }

    public StoreSettings withQuotas(Map<RetentionClass, Long> q) {
        return new StoreSettings(maxUnitBytes, cacheBytes, q, evictHighPercent, evictLowPercent, walkMaxUnits,
                maxClockSkewMillis, hashOnRead);
    }

    public StoreSettings withHashOnRead(boolean on) {
        return new StoreSettings(maxUnitBytes, cacheBytes, quotas, evictHighPercent, evictLowPercent, walkMaxUnits,
                maxClockSkewMillis, on);
    }

    public long quota(RetentionClass c) {
        return quotas.getOrDefault(c, 0L);
    }
}
