package org.stateos.http.internal;

import java.net.InetSocketAddress;
import java.util.List;

/** What the running server shows an operator ({@code http:routes}). Internal: not exported. */
public interface HttpServerInfo {
    /** Where the server listens, or null when it does not. */
    InetSocketAddress localAddress();

    int openConnections();

    long acceptedConnections();

    int maxConnections();

    /** Routes in match order (longest prefix first). */
    List<RouteSnapshot> routes();

    /** Requests no route took: 404, 400, 413, 503 while stopping or over the connection limit. */
    RouteSnapshot unrouted();
}
