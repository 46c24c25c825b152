package org.stateos.store.internal.log;

import java.time.Duration;
import java.util.Set;

/**
 * Settings of the engine. {@code segmentBytes} is used by {@code format} only: an existing log keeps the
 * segment size written in its superblock. There is no read cache in the engine (reads go to the device with
 * O_DIRECT); the layer above caches what it wants.
 *
 * @param segmentBytes                size of one log segment, a multiple of 4096 (default 64 MiB)
 * @param maxValueBytes               largest value accepted (default 8 MiB); must fit in a segment with room to spare
 * @param checkpointIntervalBytes     write an index checkpoint after this many bytes appended (default 256 MiB):
 *                                    recovery replays at most about this much
 * @param checkpointInterval          ... or after this much time with anything appended (default 60 s)
 * @param groupCommitMaxBytes         a commit batch stops growing at this many bytes (default 4 MiB; two batch
 *                                    buffers of about this size, or of the largest record, are allocated)
 * @param groupCommitMaxRecords       ... or this many records (default 1024)
 * @param groupCommitMaxWait          no longer used: a batch is what arrives while the previous one is being
 *                                    written and forced, so nothing lingers (kept so existing callers build)
 * @param inlineKinds                 record kinds whose small values (up to 255 bytes) the engine keeps in memory
 *                                    and in its checkpoints, so reading them at start-up costs no device read
 *                                    (default none)
 * @param realtimePriority            SCHED_FIFO priority (1-99) the log's writer and I/O threads ask for, 0 for the normal
 *                                    policy (default 0; the store component sets its configured value): see
 *                                    {@code LogStructuredLog#startWriter}
 */
public record LogConfig(long segmentBytes, int maxValueBytes, long checkpointIntervalBytes, Duration checkpointInterval,
                        int groupCommitMaxBytes, int groupCommitMaxRecords, Duration groupCommitMaxWait,
                        Set<Byte> inlineKinds, int realtimePriority) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    public LogConfig {
        if (segmentBytes < 64 * 1024 || segmentBytes % 4096 != 0 || segmentBytes > (1L << 30)) {
            throw new IllegalArgumentException("segmentBytes must be a multiple of 4096 in [64 KiB, 1 GiB]: " + segmentBytes);
        }
        if (maxValueBytes < 0 || RecordCodec.encodedLength(RecordLog.MAX_KEY_BYTES, maxValueBytes) > segmentBytes / 2) {
            throw new IllegalArgumentException("maxValueBytes " + maxValueBytes + " must leave room: at most half a segment ("
                    + segmentBytes + " bytes) per record");
        }
        if (checkpointIntervalBytes <= 0 || checkpointInterval == null || checkpointInterval.isNegative()
                || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpoint interval must be positive");
        }
        inlineKinds = inlineKinds == null ? Set.of() : Set.copyOf(inlineKinds);
        if (groupCommitMaxBytes < 4096 || groupCommitMaxRecords < 1 || groupCommitMaxWait == null
                || groupCommitMaxWait.isNegative()) {
            throw new IllegalArgumentException("bad group commit limits");
        }
        if (realtimePriority < 0 || realtimePriority > 99) {
            throw new IllegalArgumentException("realtimePriority must be 0 (off) or 1-99: " + realtimePriority);
        }
    }

    public LogConfig(long segmentBytes, int maxValueBytes, long checkpointIntervalBytes, Duration checkpointInterval,
                     int groupCommitMaxBytes, int groupCommitMaxRecords, Duration groupCommitMaxWait,
                     Set<Byte> inlineKinds) {
        this(segmentBytes, maxValueBytes, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait, inlineKinds, 0);
    }

    public LogConfig(long segmentBytes, int maxValueBytes, long checkpointIntervalBytes, Duration checkpointInterval,
                     int groupCommitMaxBytes, int groupCommitMaxRecords, Duration groupCommitMaxWait) {
        this(segmentBytes, maxValueBytes, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait, Set.of());
    }

    public LogConfig withInlineKinds(Set<Byte> kinds) {
        return new LogConfig(segmentBytes, maxValueBytes, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait, kinds, realtimePriority);
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES, RecordLog.DEFAULT_MAX_VALUE_BYTES, 256L << 20, Duration.ofSeconds(60),
                4 << 20, 1024, Duration.ofMillis(2));
    }

    public LogConfig withSegmentBytes(long v) {
        return new LogConfig(v, maxValueBytes, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait, inlineKinds, realtimePriority);
    }

    public LogConfig withMaxValueBytes(int v) {
        return new LogConfig(segmentBytes, v, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait, inlineKinds, realtimePriority);
    }

    public LogConfig withCheckpointInterval(long bytes, Duration time) {
        return new LogConfig(segmentBytes, maxValueBytes, bytes, time, groupCommitMaxBytes, groupCommitMaxRecords,
                groupCommitMaxWait, inlineKinds, realtimePriority);
    }

    public LogConfig withGroupCommit(int maxBytes, int maxRecords, Duration maxWait) {
        return new LogConfig(segmentBytes, maxValueBytes, checkpointIntervalBytes, checkpointInterval, maxBytes,
                maxRecords, maxWait, inlineKinds, realtimePriority);
    }

    public LogConfig withRealtimePriority(int priority) {
        return new LogConfig(segmentBytes, maxValueBytes, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait, inlineKinds, priority);
    }
}
