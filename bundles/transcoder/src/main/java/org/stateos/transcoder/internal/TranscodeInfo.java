package org.stateos.transcoder.internal;

import java.time.Instant;

/**
 * One transcode as transcoder:list and /api/transcoder show it.
 *
 * @param state      RUNNING, IDLE (no lease, stopping after the grace), FAILED or STOPPED
 * @param cpuMillis  CPU time its codec work took
 * @param paced      Opus packets sent at their time on the audio's arrival line ({@link OpusPacer})
 * @param late       sent late: due before the codec had them ready
 * @param stale      dropped: ready longer than {@code pace.max.late.ms} after their audio entered (a starting
 *                   transcode's cached input, a stalled codec thread), beyond the pacer's bound, or timed
 *                   ahead of the node's clock
 */
public record TranscodeInfo(String stream, String state, int leases, String source, long framesIn, long framesOut,
        long errors, long cpuMillis, String error, Instant started, long paced, long late, long stale) {
}
