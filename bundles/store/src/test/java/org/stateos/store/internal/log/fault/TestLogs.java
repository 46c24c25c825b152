package org.stateos.store.internal.log.fault;

import java.io.IOException;
import java.nio.file.Path;

import org.stateos.store.internal.log.BlockDevice;
import org.stateos.store.internal.log.FileBlockDevice;
import org.stateos.store.internal.log.LogConfig;
import org.stateos.store.internal.log.LogStats;
import org.stateos.store.internal.log.LogStructuredLog;
import org.stateos.store.internal.log.RecordLog;

/**
 * The one place where the crash, fault and fuzz tests meet the engine's construction API, so a change of
 * the engine's signatures is adapted here only.
 */
public final class TestLogs {
    private TestLogs() { }

    /**
     * The engine's configuration for test images of a few MiB: 1 MiB segments (so cleaning, segment chaining
     * and full devices happen), values up to 256 KiB (a media chunk), a checkpoint every 2 MiB appended (so
     * recovery starts from checkpoints, not only from the start of the log).
     */
    public static LogConfig config() {
        return config(1 << 20, 256 * 1024, 2 << 20);
    }

    /** For images of 1 MiB: the smallest segments, values up to 16 KiB, a checkpoint every 32 KiB. */
    public static LogConfig tinyConfig() {
        return config(64 * 1024, 16 * 1024, 32 * 1024);
    }

    /** For the file-backed crash test (100+ MiB): 4 MiB segments, values up to 1 MiB, a checkpoint every 8 MiB. */
    public static LogConfig fileConfig() {
        return config(4 << 20, 1 << 20, 8 << 20);
    }

    /** The defaults (group commit included) with these segment, value and checkpoint sizes. */
    public static LogConfig config(long segmentBytes, int maxValueBytes, long checkpointIntervalBytes) {
        LogConfig d = LogConfig.defaults();
        return new LogConfig(segmentBytes, maxValueBytes, checkpointIntervalBytes, d.checkpointInterval(),
                d.groupCommitMaxBytes(), d.groupCommitMaxRecords(), d.groupCommitMaxWait());
    }

    public static void format(BlockDevice device) throws IOException {
        format(device, config());
    }

    public static void format(BlockDevice device, LogConfig config) throws IOException {
        LogStructuredLog.format(device, config, true);
    }

    public static RecordLog open(BlockDevice device) throws IOException {
        return open(device, config());
    }

    public static RecordLog open(BlockDevice device, LogConfig config) throws IOException {
        return LogStructuredLog.open(device, config);
    }

    /** A preallocated file-backed device of {@code sizeBytes} (created when missing). */
    public static BlockDevice fileDevice(Path file, long sizeBytes) throws IOException {
        return FileBlockDevice.open(file, sizeBytes);
    }

    /** Records the engine found corrupt (CRC mismatch, bad header) since it was opened. */
    public static long corruptRecords(RecordLog log) {
        LogStats s = log.stats();
        return s.corruptRecords();
    }
}
