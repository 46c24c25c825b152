package org.stateos.http.internal;

import java.util.List;

/**
 * A route and its counters at one moment, for the {@code http:routes} command.
 *
 * @param responsesByClass responses by status class: index 0 = 1xx ... 4 = 5xx
 * @param inFlight         requests the route has not answered yet
 */
public record RouteSnapshot(
        String name,
        String prefix,
        boolean exact,
        List<String> methods,
        List<String> corsOrigins,
        String bundle,
        long requests,
        long[] responsesByClass,
        long bytesOut,
        int inFlight) {

    public RouteSnapshot {
        methods = List.copyOf(methods);
        corsOrigins = List.copyOf(corsOrigins);
        responsesByClass = responsesByClass.clone();
    }

    /** The route as an operator reads it: {@code /api/status} (exact) or {@code /hls/*} (prefix). */
    public String pattern() {
        if (exact) {
            return prefix;
        }
        return prefix.equals("/") ? "/*" : prefix + "/*";
    }
}
