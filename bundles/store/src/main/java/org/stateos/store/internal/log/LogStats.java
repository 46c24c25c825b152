package org.stateos.store.internal.log;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the engine's figures, for store:stats and the benchmark. Kinds are unsigned (0..255).
 *
 * @param device                  the device's description (path and I/O mode)
 * @param deviceBytes             usable size of the device
 * @param direct                  true with O_DIRECT, false after a fallback to buffered I/O + fdatasync
 * @param ioMode                  "direct ..." or "buffered ... (reason)"
 * @param segmentBytes            size of one segment
 * @param segmentsTotal           segments on the device
 * @param segmentsFree            segments free for reuse
 * @param liveBytes               bytes of live records (headers, keys, values)
 * @param liveRecordsByKind       live records per kind
 * @param liveBytesByKind         live bytes per kind
 * @param appends                 records appended since open (puts, not deletes or engine records)
 * @param deletes                 deletes since open
 * @param bytesAppended           bytes written to the log since open, engine records and padding included
 * @param forces                  fdatasyncs since open
 * @param meanBatchRecords        mean records per group-commit batch
 * @param logFullRejections       appends refused with LogFullException
 * @param corruptRecords          corrupt records seen (reads, recovery, cleaning, verify)
 * @param problems                the most recent corruption and recovery reports, newest last
 * @param lastRecoveryMillis      duration of the last open's recovery
 * @param lastRecoveryRecords     records replayed by the last open's recovery
 * @param lastRecoveryTornRecords intact records of a torn last batch that the last recovery found after the break and dropped
 * @param checkpoints             checkpoints written since open
 * @param checkpointGeneration    generation of the newest durable checkpoint
 * @param checkpointSeq           first sequence number not covered by it
 * @param checkpointPosition      where replay would start, "segment N offset M"
 * @param nextSeq                 sequence number of the next record
 * @param cleanerRuns             segments cleaned since open
 * @param cleanerBytesCopied      live bytes the cleaner copied since open
 * @param threadPolicy            the log threads' scheduling: "SCHED_FIFO 5", "normal", or "normal: " and why the
 *                                real-time policy asked for was not given
 */
public record LogStats(String device, long deviceBytes, boolean direct, String ioMode, long segmentBytes,
                       int segmentsTotal, int segmentsFree, long liveBytes, Map<Integer, Long> liveRecordsByKind,
                       Map<Integer, Long> liveBytesByKind, long appends, long deletes, long bytesAppended, long forces,
                       double meanBatchRecords, long logFullRejections, long corruptRecords, List<String> problems,
                       long lastRecoveryMillis, long lastRecoveryRecords, long lastRecoveryTornRecords, long checkpoints,
                       long checkpointGeneration, long checkpointSeq, String checkpointPosition, long nextSeq,
                       long cleanerRuns, long cleanerBytesCopied, String threadPolicy) {
}
