package org.stateos.store.internal.log;

import java.time.Duration;

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
 * @param groupCommitMaxBytes         a commit batch stops growing at this many bytes (default 8 MiB)
 * @param groupCommitMaxRecords       ... or this many records (default 1024)
 * @param groupCommitMaxWait          how long the writer may wait for a batch to fill when appends are
 *                                    concurrent (default 2 ms; a lone appender never waits)
 */
public record LogConfig(long segmentBytes, int maxValueBytes, long checkpointIntervalBytes, Duration checkpointInterval,
                        int groupCommitMaxBytes, int groupCommitMaxRecords, Duration groupCommitMaxWait) {
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
        if (groupCommitMaxBytes < 4096 || groupCommitMaxRecords < 1 || groupCommitMaxWait == null
                || groupCommitMaxWait.isNegative()) {
            throw new IllegalArgumentException("bad group commit limits");
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES, RecordLog.DEFAULT_MAX_VALUE_BYTES, 256L << 20, Duration.ofSeconds(60),
                8 << 20, 1024, Duration.ofMillis(2));
    }

    public LogConfig withSegmentBytes(long v) {
        return new LogConfig(v, maxValueBytes, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait);
    }

    public LogConfig withMaxValueBytes(int v) {
        return new LogConfig(segmentBytes, v, checkpointIntervalBytes, checkpointInterval, groupCommitMaxBytes,
                groupCommitMaxRecords, groupCommitMaxWait);
    }

    public LogConfig withCheckpointInterval(long bytes, Duration time) {
        return new LogConfig(segmentBytes, maxValueBytes, bytes, time, groupCommitMaxBytes, groupCommitMaxRecords,
                groupCommitMaxWait);
    }

    public LogConfig withGroupCommit(int maxBytes, int maxRecords, Duration maxWait) {
        return new LogConfig(segmentBytes, maxValueBytes, checkpointIntervalBytes, checkpointInterval, maxBytes,
                maxRecords, maxWait);
    }
}
