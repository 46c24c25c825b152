package org.stateos.http;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A handler for every request under one path prefix, registered as an OSGi service (whiteboard).
 *
 * <p>Service properties (read when the service is registered, again when they are modified):
 * <ul>
 *   <li>{@link #PREFIX} (String, required): the path it serves, e.g. {@code "/whep"}. A prefix route serves the
 *       path itself and everything below it on a segment boundary: {@code "/whep"} serves {@code /whep} and
 *       {@code /whep/cam1} but not {@code /whepx}. A trailing slash is ignored; {@code "/"} serves every path.
 *       The longest matching prefix wins; between equal prefixes an exact route wins, then the higher
 *       {@code service.ranking}, then the older service.</li>
 *   <li>{@link #MATCH} (String): {@code "prefix"} (default) or {@code "exact"} (the path itself only).</li>
 *   <li>{@link #METHODS} (String, String[] or comma-separated): allowed methods, default {@code GET}. A route
 *       that allows GET also gets HEAD (it sees the HEAD method; the server drops the body it answers). Any
 *       other method gets 405 with an {@code Allow} header. OPTIONS is answered by the server (204 with
 *       {@code Allow}) unless the route lists OPTIONS itself; CORS preflights are always answered by the
 *       server.</li>
 *   <li>{@link #NAME} (String): the name in logs and in {@code http:routes}; default the class's simple name.</li>
 *   <li>{@link #CORS_ORIGINS} (String, String[] or comma-separated): opt-in CORS. {@code "*"} for any origin
 *       or a list of exact origins ({@code "https://player.example"}). Absent: no CORS headers at all.</li>
 *   <li>{@link #CORS_ALLOW_HEADERS}: request headers a preflight allows, default
 *       {@value #DEFAULT_CORS_ALLOW_HEADERS}.</li>
 *   <li>{@link #CORS_EXPOSE_HEADERS}: response headers a script may read, default
 *       {@value #DEFAULT_CORS_EXPOSE_HEADERS}.</li>
 * </ul>
 *
 * <p>Threads: {@link #handle} runs on the connection's Netty event loop, shared by the whole node. It must
 * not block: answer at once, or start the work elsewhere and answer later through the exchange (from any
 * thread). Requests on one connection are handled one after the other; the next one waits until this one is
 * answered.
 */
@ConsumerType
public interface HttpRoute {
    String PREFIX = "http.route.prefix";
    String MATCH = "http.route.match";
    String METHODS = "http.route.methods";
    String NAME = "http.route.name";
    String CORS_ORIGINS = "http.route.cors.origins";
    String CORS_ALLOW_HEADERS = "http.route.cors.allow.headers";
    String CORS_EXPOSE_HEADERS = "http.route.cors.expose.headers";

    String MATCH_PREFIX = "prefix";
    String MATCH_EXACT = "exact";
    String DEFAULT_CORS_ALLOW_HEADERS = "Content-Type, Authorization, If-Match";
    String DEFAULT_CORS_EXPOSE_HEADERS = "Location, Link, ETag";

    /**
     * Handles one request. Answer through the exchange, now or later, exactly once. If this method throws
     * before answering, the client gets a 500 with a generic body and the exception is logged with the
     * route's name; the connection stays usable.
     *
     * <p>The request (and its content buffer) is released by the server when this method returns: retain
     * what you need beyond that ({@code exchange.request().content().retainedSlice()}) and release it yourself.
     */
    void handle(HttpExchange exchange) throws Exception;
}
