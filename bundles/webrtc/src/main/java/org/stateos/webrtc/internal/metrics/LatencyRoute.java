package org.stateos.webrtc.internal.metrics;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;
import org.stateos.webrtc.internal.session.SessionRegistry;

/**
 * {@code GET /api/webrtc/latency}: server-added latency as JSON ({@link ServerLatency#json}); {@code DELETE} resets it
 * (benchmarks reset, run, read). A quick in-memory read, answered on the event loop.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/api/webrtc/latency",
        HttpRoute.MATCH + "=" + HttpRoute.MATCH_EXACT,
        HttpRoute.METHODS + "=GET,DELETE",
        HttpRoute.NAME + "=webrtc-latency"})
public final class LatencyRoute implements HttpRoute {
    private final SessionRegistry registry;

    @Activate
    public LatencyRoute(@Reference SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange x) {
        ServerLatency latency = registry.latency();
        String body = ServerLatency.json(latency.snapshot());
        if (HttpMethod.DELETE.equals(x.method())) {
            latency.reset();
        }
        x.respond(HttpResponseStatus.OK, "application/json; charset=utf-8", body);
    }
}
