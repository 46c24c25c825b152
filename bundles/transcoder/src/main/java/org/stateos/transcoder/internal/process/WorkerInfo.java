package org.stateos.transcoder.internal.process;

import java.time.Instant;

/**
 * The codec worker as transcoder:worker shows it.
 *
 * @param state     STARTING, READY, RESTARTING (waiting out the backoff), STOPPED
 * @param pid       the running worker's pid, -1 when none
 * @param since     when the running worker started (null when none)
 * @param restarts  starts after the first (each one after an exit)
 * @param lastExit  the last exit's cause, null if none yet
 * @param cpuMillis the running worker's CPU time (user + system), -1 when unknown
 * @param rssKb     its resident memory, -1 when unknown
 * @param framesIn  AAC units sent to workers, all of them
 * @param framesOut Opus packets received from workers
 * @param dropped   AAC units not sent: no worker ready, or its input queue full
 * @param pipelines pipelines open (one per transcode with a codec)
 */
public record WorkerInfo(String state, long pid, Instant since, int restarts, String lastExit, long cpuMillis,
        long rssKb, long framesIn, long framesOut, long dropped, int pipelines, int nativesMillis) {
}
