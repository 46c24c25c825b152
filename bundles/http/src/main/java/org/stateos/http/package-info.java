/**
 * The node's one HTTP server, seen from the bundles that serve through it.
 *
 * <p>A bundle serves HTTP by registering an {@link org.stateos.http.HttpRoute} OSGi service with a
 * {@link org.stateos.http.HttpRoute#PREFIX} property (the whiteboard pattern). The server picks the route
 * whose prefix matches the request path longest, checks the method, answers CORS preflights, and hands the
 * route an {@link org.stateos.http.HttpExchange} to answer now or later.
 *
 * <p>The types are Netty's ({@code io.netty.handler.codec.http}, {@code io.netty.buffer}) so that bodies pass
 * through without copies. Reference counting: the server owns the request and releases it when
 * {@code handle} returns; a response body passed to the exchange belongs to the server from that call on.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.stateos.http;
