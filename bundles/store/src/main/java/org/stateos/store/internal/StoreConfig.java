package org.stateos.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/org.stateos.store.cfg. Every key is optional; the defaults work on a first boot. */
@ObjectClassDefinition(id = StoreConfig.PID, name = "StateOS unit store",
        description = "Device, engine, cache, quotas and eviction of the unit store")
public @interface StoreConfig {
    String PID = "org.stateos.store";

    @AttributeDefinition(name = "Device path", description = "A raw block device or a file; ${karaf.data} is replaced by "
            + "the Karaf data directory. A missing file is created with device.size.bytes and formatted.")
    String device_path() default "${karaf.data}/store/store.img";

    @AttributeDefinition(name = "Size of a file-backed store (bytes)", description = "Used only when the file is created")
    long device_size_bytes() default 1L << 30;

    @AttributeDefinition(name = "Checkpoint interval (s)", description = "Recovery replays at most this much of the log")
    int checkpoint_interval_seconds() default 60;

    @AttributeDefinition(name = "Checkpoint interval (bytes)", description = "... or at most this many bytes appended")
    long checkpoint_interval_bytes() default 256L << 20;

    @AttributeDefinition(name = "Unit cache (bytes)", description = "Verified units kept in memory (LRU)")
    long cache_unit_bytes() default 64L << 20;

    @AttributeDefinition(name = "Largest unit (bytes)", description = "Cap of a unit's encoded size; larger objects use putStream")
    int unit_max_bytes() default 4 * 1024 * 1024;

    @AttributeDefinition(name = "PINNED quota (bytes)", description = "0 = none; a pinned put beyond it fails")
    long quota_pinned_bytes() default 0;

    @AttributeDefinition(name = "NORMAL quota (bytes)", description = "0 = none; beyond it the oldest become evictable")
    long quota_normal_bytes() default 0;

    @AttributeDefinition(name = "DVR quota (bytes)", description = "0 = none; beyond it the oldest recordings become evictable")
    long quota_dvr_bytes() default 512L << 20;

    @AttributeDefinition(name = "CACHE quota (bytes)", description = "0 = none; CACHE units are always evictable anyway")
    long quota_cache_bytes() default 256L << 20;

    @AttributeDefinition(name = "Evict above (% of device)")
    int evict_high_percent() default 90;

    @AttributeDefinition(name = "Evict down to (% of device)")
    int evict_low_percent() default 80;

    @AttributeDefinition(name = "Ancestry walk limit (units)",
            description = "Most units read to decide whether a remote head descends from a local one; beyond, a fork")
    int heads_walk_max_units() default 100_000;

    @AttributeDefinition(name = "Largest remote clock lead (ms)",
            description = "A remote head's clock is followed at most this far ahead of the wall clock")
    long hlc_max_skew_ms() default 60_000;

    @AttributeDefinition(name = "Hash every read against its id",
            description = "CRC32C is checked on every read regardless; this also re-hashes each unit read from this "
                    + "node's device with SHA-256 (about a quarter of a 256 KiB get's time). store:fsck always does")
    boolean verify_hash_on_read() default false;

    @AttributeDefinition(name = "Real-time priority of the log threads",
            description = "SCHED_FIFO priority (1-99) of the log's writer and I/O threads, so a "
                    + "finished fdatasync is followed by the next write at once instead of after the appenders' "
                    + "hashing yields a core; 0 = the normal policy. Below the esr-io threads' 10, so the live path "
                    + "goes first. Needs CAP_SYS_NICE; not asked for with a single processor")
    int log_realtime_priority() default 5;
}
