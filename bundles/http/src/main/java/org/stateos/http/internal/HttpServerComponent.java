package org.stateos.http.internal;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.http.HttpRoute;

/**
 * The server in the container: configured by {@code etc/org.stateos.http.cfg}, running on the node's shared
 * {@link EventLoopGroup}, serving every {@link HttpRoute} service (whiteboard). A configuration change restarts
 * it (DS deactivates and activates again).
 */
@Component(service = HttpServerInfo.class, configurationPid = HttpConfig.PID, immediate = true)
@Designate(ocd = HttpConfig.class)
public final class HttpServerComponent implements HttpServerInfo {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServerComponent.class);

    private final HttpServer server;
    private final Map<Long, HttpServer.RouteHandle> handles = new ConcurrentHashMap<>();

    @Activate
    public HttpServerComponent(HttpConfig config, @Reference(name = "eventLoopGroup") EventLoopGroup group) {
        this.server = new HttpServer(HttpServerSettings.from(config), group);
    }

    /** Runs after the routes present at activation are bound, so the first requests already find them. */
    @Activate
    void start() throws IOException {
        server.start();
    }

    @Deactivate
    void stop() {
        server.close();
        handles.clear();
    }

    @Reference(service = HttpRoute.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRoute(ServiceReference<HttpRoute> ref, HttpRoute route) {
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        try {
            handles.put(id, server.addRoute(route, properties(ref), bundleName(ref)));
        } catch (IllegalArgumentException e) {
            LOG.warn("HTTP route service {} of {} ignored: {}", id, bundleName(ref), e.getMessage());
        }
    }

    void updatedRoute(ServiceReference<HttpRoute> ref) {
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        HttpServer.RouteHandle handle = handles.get(id);
        if (handle == null) {
            return; // its first properties were refused; a fix needs a new registration
        }
        try {
            handle.update(properties(ref));
        } catch (IllegalArgumentException e) {
            LOG.warn("HTTP route service {} of {}: new properties ignored: {}", id, bundleName(ref), e.getMessage());
        }
    }

    void unbindRoute(ServiceReference<HttpRoute> ref) {
        HttpServer.RouteHandle handle = handles.remove((Long) ref.getProperty(Constants.SERVICE_ID));
        if (handle != null) {
            handle.remove();
        }
    }

    private static Map<String, Object> properties(ServiceReference<?> ref) {
        Map<String, Object> props = new HashMap<>();
        for (String key : ref.getPropertyKeys()) {
            props.put(key, ref.getProperty(key));
        }
        return props;
    }

    private static String bundleName(ServiceReference<?> ref) {
        Bundle bundle = ref.getBundle();
        return bundle == null ? "(gone)" : bundle.getSymbolicName();
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public int openConnections() {
        return server.openConnections();
    }

    @Override
    public long acceptedConnections() {
        return server.acceptedConnections();
    }

    @Override
    public int maxConnections() {
        return server.maxConnections();
    }

    @Override
    public List<RouteSnapshot> routes() {
        return server.routes();
    }

    @Override
    public RouteSnapshot unrouted() {
        return server.unrouted();
    }
}
