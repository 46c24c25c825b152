package org.stateos.transcoder.internal;

import java.time.Instant;

/**
 * One transcode as transcoder:list and /api/transcoder show it.
 *
 * @param state      RUNNING, IDLE (no lease, stopping after the grace), FAILED or STOPPED
 * @param cpuMillis  CPU time its codec work took
 */
public record TranscodeInfo(String stream, String state, int leases, String source, long framesIn, long framesOut,
        long errors, long cpuMillis, String error, Instant started) {
}
