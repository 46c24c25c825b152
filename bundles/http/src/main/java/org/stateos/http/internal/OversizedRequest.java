package org.stateos.http.internal;

import io.netty.handler.codec.http.HttpVersion;

/**
 * Stands in the pipeline for a request refused for its declared body length, so that the 413 is answered in
 * order with the other requests of the connection. Holds no buffer.
 */
record OversizedRequest(HttpVersion version, boolean keepAlive) {}
