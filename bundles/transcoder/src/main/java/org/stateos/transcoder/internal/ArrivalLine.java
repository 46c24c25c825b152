package org.stateos.transcoder.internal;

/**
 * When each Opus packet should leave, from the media time of its audio: on the track's earliest-arrival line (the
 * wall time its first sample entered the node, as if every AAC frame had arrived as early as the earliest ones did)
 * plus a fixed delay, and whether it is too late to send at all.
 *
 * <p>Why: RTMP publishers deliver audio in clumps (ffmpeg interleaves audio and video), one AAC frame of 1024
 * samples yields 0-2 Opus packets, and a transcode that starts takes the stream's cached frames (up to a GOP, 1-2 s)
 * at once. Sent as they come, the browser's NetEq sees that arrival jitter, grows its buffer target, and Chromium's
 * lip sync then holds the video back to the audio's depth (issue 5: 380-740 ms in CI, 20-60 ms video-only). Sent on
 * this line, packets leave 20 ms apart whatever the input did.
 *
 * <p>The line follows the packets that arrive earliest for their media time, as the WebRTC sender reports' mapping
 * does (so the send times and the RTCP mapping agree). A packet later than the line by more than {@code maxLate}, or
 * a line older than {@link #MAX_AGE_MICROS}, starts a new line at that packet: a publisher that stalled, or whose
 * clock runs slower than the wall clock, moves the line instead of having its audio dropped. Not thread-safe.
 */
final class ArrivalLine {
    /** A line is re-anchored on a later packet once it is this old (clock drift between publisher and node). */
    static final long MAX_AGE_MICROS = 5_000_000L;

    private final long delayMicros;
    private final long maxLateMicros;
    private boolean anchored;
    private long anchorPtsMicros;
    private long anchorWallMicros;

    /**
     * @param delayMicros   added to the line: the transcode's own latency (a 20 ms Opus frame needs the AAC frame
     *                      holding its last sample, up to 23 ms later), so that packets are ready when due
     * @param maxLateMicros a packet later than the line by more than this starts a new line; one ready this long
     *                      after its audio entered is stale (0: neither)
     */
    ArrivalLine(long delayMicros, long maxLateMicros) {
        if (delayMicros < 0 || maxLateMicros < 0) {
            throw new IllegalArgumentException("pacing delay and maximum lateness must be >= 0");
        }
        this.delayMicros = delayMicros;
        this.maxLateMicros = maxLateMicros;
    }

    /** The wall time (µs) the packet whose audio starts at {@code ptsMicros} and entered at {@code ingestMicros} is due. */
    long due(long ptsMicros, long ingestMicros) {
        long predicted = anchorWallMicros + (ptsMicros - anchorPtsMicros);
        long late = ingestMicros - predicted;
        if (!anchored || late < 0 || (maxLateMicros > 0 && late > maxLateMicros)
                || ingestMicros - anchorWallMicros > MAX_AGE_MICROS) {
            anchored = true;
            anchorPtsMicros = ptsMicros;
            anchorWallMicros = ingestMicros;
            predicted = ingestMicros;
        }
        return predicted + delayMicros;
    }

    /**
     * True when a packet made from input that arrived at {@code arrivalMicros} (the AAC frame that completed it, as
     * it entered the node) is ready only at {@code nowMicros}, longer after than the limit: not worth sending (the
     * cached frames a starting transcode decodes first, a codec thread that stalled). A publisher that delivers late
     * is not stale: its packets are ready as soon as they enter.
     */
    boolean stale(long arrivalMicros, long nowMicros) {
        return maxLateMicros > 0 && nowMicros - arrivalMicros > maxLateMicros;
    }

    /** A new timeline (publisher change, discontinuity): the next packet starts a new line. */
    void reset() {
        anchored = false;
    }
}
