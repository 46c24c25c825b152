package org.stateos.http.internal.status;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import com.google.gson.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.stateos.api.node.NodeStatusService;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;

/**
 * GET /api/status: the node's status as JSON; 503 with a JSON error while no {@link NodeStatusService} is there.
 * Gathering the status is quick (bundle states, a read of /proc/net), so it runs on the event loop.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/api/status",
        HttpRoute.MATCH + "=" + HttpRoute.MATCH_EXACT,
        HttpRoute.METHODS + "=GET",
        HttpRoute.NAME + "=status-api"})
public final class StatusApiRoute implements HttpRoute {
    static final String JSON = "application/json; charset=utf-8";

    private final AtomicReference<NodeStatusService> status = new AtomicReference<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStatus(NodeStatusService service) {
        status.set(service);
    }

    public void unbindStatus(NodeStatusService service) {
        status.compareAndSet(service, null);
    }

    @Override
    public void handle(HttpExchange exchange) {
        NodeStatusService service = status.get();
        JsonObject body;
        HttpResponseStatus code;
        if (service == null) {
            code = HttpResponseStatus.SERVICE_UNAVAILABLE;
            body = StatusJson.error("node status is not available (the node service is not running)");
        } else {
            code = HttpResponseStatus.OK;
            body = StatusJson.of(service.status());
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code,
                ByteBufUtil.writeUtf8(exchange.alloc(), StatusJson.GSON.toJson(body) + "\n"));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        r.headers().set("X-Content-Type-Options", "nosniff");
        exchange.respond(r);
    }
}
