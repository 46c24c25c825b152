package org.stateos.http.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** A route's opt-in CORS rules: which origins, which request headers a preflight allows, which headers scripts see. */
record CorsPolicy(List<String> origins, String allowHeaders, String exposeHeaders) {
    static final String MAX_AGE_SECONDS = "600";

    CorsPolicy {
        origins = List.copyOf(origins);
    }

    boolean anyOrigin() {
        return origins.contains("*");
    }

    boolean allows(String origin) {
        return origin != null && (anyOrigin() || origins.contains(origin));
    }

    /** Adds the headers of an actual (non-preflight) response, if the origin is allowed. */
    void addResponseHeaders(HttpHeaders headers, String origin) {
        if (!allows(origin) || headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, anyOrigin() ? "*" : origin);
        if (!exposeHeaders.isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
        if (!anyOrigin()) {
            headers.add(HttpHeaderNames.VARY, "Origin");
        }
    }

    /** Adds the headers of a preflight answer, if the origin is allowed. */
    void addPreflightHeaders(HttpHeaders headers, String origin, String allowedMethods) {
        if (!anyOrigin()) {
            headers.add(HttpHeaderNames.VARY, "Origin");
        }
        if (!allows(origin)) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, anyOrigin() ? "*" : origin);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, allowedMethods);
        if (!allowHeaders.isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    }
}
