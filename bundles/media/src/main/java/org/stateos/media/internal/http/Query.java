package org.stateos.media.internal.http;

import java.util.List;
import java.util.Map;

/** Query parameters of the media routes, parsed with errors a client can act on. */
final class Query {
    /** A parameter that is not what the route expects: answered 400 with this message. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> params;

    Query(Map<String, List<String>> params) {
        this.params = params;
    }

    long longParam(String name, long dflt) throws BadRequest {
        List<String> v = params.get(name);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            return dflt;
        }
        String s = v.get(0);
        if (s.length() > 20) {
            throw new BadRequest("'" + name + "' is not a number of microseconds");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadRequest("'" + name + "' is not a number of microseconds: '" + s + "'");
        }
    }

    int track(int dflt) throws BadRequest {
        long t = longParam("track", dflt);
        if (t < 0 || t > 15) {
            throw new BadRequest("'track' must be a track index 0..15");
        }
        return (int) t;
    }
}
