package org.stateos.rtmp.internal.session;

import java.time.Duration;

/** One connection as rtmp:sessions shows it. */
public record SessionSnapshot(String remote, String app, String stream, SessionState state, long bytesIn,
        long bitrateBps, Duration uptime, long frames, String media) {
}
