package org.stateos.http.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.net.ServerBinding;
import org.stateos.http.HttpRoute;

/**
 * The HTTP/1.1 server on a shared Netty event loop group. Plain class (no OSGi): {@link HttpServerComponent}
 * drives it in the container, tests construct it directly.
 *
 * <p>Pipeline of a connection: idle timeout → HTTP codec → close-after-"Connection: close" → Expect:
 * 100-continue (413 past the body limit) → body limit → aggregator → {@link ConnectionHandler} (routing).
 *
 * <p>It starts no thread of its own. {@link #close()} closes the listening socket and every connection, and
 * waits (bounded) until they are closed; call it from a thread outside the event loop group.
 */
public final class HttpServer implements HttpServerInfo, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** User event asking a connection to close once its request in progress, if any, is answered. */
    static final Object STOP = new Object() {
        @Override
        public String toString() {
            return "STOP";
        }
    };
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_CHUNK_SIZE = 8192;
    /** How long a connection over the limit may take to send its first request. */
    static final long OVER_LIMIT_IDLE_MILLIS = 5000;
    /** How long close() waits for connections it closed forcibly. */
    private static final long FORCED_CLOSE_WAIT_MILLIS = 5000;

    /** A registered route; lets its owner update or remove it. */
    public interface RouteHandle {
        /** Applies new service properties; requests in progress continue. */
        void update(Map<String, ?> properties);

        /** Unregisters the route; its requests in progress get 503. Idempotent. */
        void remove();
    }

    private final HttpServerSettings settings;
    private final EventLoopGroup group;
    private final RouteTable routes = new RouteTable();
    private final RouteMetrics unrouted = new RouteMetrics();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger served = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final AtomicLong localIds = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Channel serverChannel;

    public HttpServer(HttpServerSettings settings, EventLoopGroup group) {
        this.settings = settings;
        this.group = group;
    }

    /** Binds the listening socket. */
    public synchronized void start() throws IOException {
        if (serverChannel != null || stopping.get()) {
            throw new IllegalStateException("an HTTP server starts once");
        }
        EventExecutor loop = group.next();
        if (!(loop instanceof io.netty.channel.nio.NioEventLoop)) {
            throw new IOException("the shared EventLoopGroup runs " + loop.getClass().getName()
                    + "; this server needs a NIO event loop group");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Initializer());
        serverChannel = ServerBinding.bind(bootstrap, new InetSocketAddress(settings.bindAddress(), settings.port()),
                "HTTP server", ServerBinding.DEFAULT_RETRY);
        LOG.info("HTTP server listening on {} (max body {} bytes, idle {} s, max {} connections)", localAddress(),
                settings.maxRequestBodyBytes(), settings.idleTimeout().toSeconds(), settings.maxConnections());
    }

    /**
     * Registers a route.
     *
     * @param properties its service properties ({@link HttpRoute#PREFIX} etc.; {@code service.id} and
     *                   {@code service.ranking} when it is an OSGi service)
     * @param bundle     who registered it, for logs and {@code http:routes}
     * @throws IllegalArgumentException when a property is wrong
     */
    public RouteHandle addRoute(HttpRoute route, Map<String, ?> properties, String bundle) {
        Object id = properties.get("service.id");
        long serviceId = id instanceof Long l ? l : localIds.incrementAndGet();
        RouteEntry entry = RouteEntry.parse(route, properties, bundle, serviceId);
        Handle handle = new Handle(entry);
        install(null, entry);
        return handle;
    }

    private void install(RouteEntry old, RouteEntry entry) {
        RouteEntry shadowed = routes.replace(old, entry);
        if (old == null) {
            LOG.info("HTTP route {} serves {} {}", entry.name, entry.exact ? "exactly" : "under", entry.prefix);
        }
        if (shadowed != null) {
            RouteEntry winner = RouteTable.MATCH_ORDER.compare(entry, shadowed) < 0 ? entry : shadowed;
            LOG.warn("HTTP routes {} and {} both serve {}; {} wins (higher service.ranking, then older)",
                    entry, shadowed, entry.prefix, winner.name);
        }
    }

    private final class Handle implements RouteHandle {
        private RouteEntry entry; // guarded by this
        private boolean removed; // guarded by this

        Handle(RouteEntry entry) {
            this.entry = entry;
        }

        @Override
        public synchronized void update(Map<String, ?> properties) {
            if (removed) {
                return;
            }
            RouteEntry parsed = RouteEntry.parse(entry.route, properties, entry.bundle, entry.serviceId);
            RouteEntry next = entry.withPropertiesOf(parsed);
            install(entry, next);
            entry = next;
        }

        @Override
        public synchronized void remove() {
            if (removed) {
                return;
            }
            removed = true;
            routes.replace(entry, null);
            entry.retire();
            LOG.info("HTTP route {} removed", entry.name);
        }
    }

    public boolean isStopping() {
        return stopping.get();
    }

    HttpServerSettings settings() {
        return settings;
    }

    RouteTable routeTable() {
        return routes;
    }

    RouteMetrics unroutedMetrics() {
        return unrouted;
    }

    /**
     * Stops: no new connections; requests arriving now get 503; requests in progress get up to the shutdown
     * grace to finish; then every connection is closed. Returns once they are closed (bounded wait).
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        boolean mayWait = !isAnyEventLoop();
        long graceEnd = System.nanoTime() + settings.shutdownGrace().toNanos();
        Channel listener = serverChannel;
        if (listener != null) {
            ChannelFuture closed = listener.close();
            if (mayWait) {
                closed.awaitUninterruptibly(FORCED_CLOSE_WAIT_MILLIS);
                awaitSocketReleased(listener);
            }
        }
        for (Channel ch : connections) {
            ch.pipeline().fireUserEventTriggered(STOP);
        }
        if (!mayWait) {
            LOG.warn("HTTP server closed from an event loop thread: not waiting for its connections");
            connections.forEach(Channel::close);
            return;
        }
        awaitClosed(graceEnd);
        List<Channel> left = open();
        if (!left.isEmpty()) {
            LOG.info("HTTP server stopping: closing {} connection(s) with requests still in progress", left.size());
            left.forEach(Channel::close);
            awaitClosed(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORCED_CLOSE_WAIT_MILLIS));
        }
        left = open();
        if (left.isEmpty()) {
            LOG.info("HTTP server on {} stopped", listener == null ? "(not bound)" : listener.localAddress());
        } else {
            LOG.warn("HTTP server stopped, but {} connection(s) did not close in time", left.size());
        }
    }

    /**
     * Waits until the closed listening socket is really closed. The JDK closes a socket registered with a
     * selector only when that selector next selects, which Netty does at the start of its next loop iteration,
     * after the deregistration that close() queued. Without this wait a server started right after (bundle
     * update, new configuration) could find the port still taken.
     */
    private static void awaitSocketReleased(Channel listener) {
        if (!(listener.eventLoop() instanceof SingleThreadEventLoop loop)) {
            return;
        }
        Promise<Void> released = loop.newPromise();
        try {
            // Queued after the deregistration; at the end of that iteration, queue a task for the next one:
            // the next iteration starts with a select, which closes the socket, and then runs the task.
            loop.execute(() -> loop.executeAfterEventLoopIteration(() -> loop.execute(() -> released.trySuccess(null))));
        } catch (RejectedExecutionException e) {
            return; // the loop is shutting down: it closes its selector and every socket with it
        }
        released.awaitUninterruptibly(FORCED_CLOSE_WAIT_MILLIS);
    }

    private boolean isAnyEventLoop() {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private List<Channel> open() {
        List<Channel> open = new ArrayList<>();
        for (Channel ch : connections) {
            if (ch.isOpen() || !ch.closeFuture().isDone()) {
                open.add(ch);
            }
        }
        return open;
    }

    /** Waits until every connection is closed or the deadline passes. */
    private void awaitClosed(long deadlineNanos) {
        for (Channel ch : open()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            ch.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
        }
    }

    // ---- HttpServerInfo

    @Override
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        if (ch == null || !ch.isActive()) {
            return null;
        }
        SocketAddress address = ch.localAddress();
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public int openConnections() {
        int n = 0;
        for (Channel ch : connections) {
            if (ch.isActive()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public long acceptedConnections() {
        return accepted.sum();
    }

    @Override
    public int maxConnections() {
        return settings.maxConnections();
    }

    @Override
    public List<RouteSnapshot> routes() {
        List<RouteSnapshot> out = new ArrayList<>();
        routes.entries().forEach(e -> out.add(e.snapshot()));
        return out;
    }

    @Override
    public RouteSnapshot unrouted() {
        return new RouteSnapshot("(no route)", "", false, List.of(), List.of(), "", unrouted.requests(),
                unrouted.responsesByClass(), unrouted.bytesOut(), 0);
    }

    /** Sets up each accepted connection; runs on the connection's event loop. */
    private final class Initializer extends ChannelInitializer<SocketChannel> {
        @Override
        protected void initChannel(SocketChannel ch) {
            accepted.increment();
            // Registered before the stopping check: close() either sees this channel or it sees stopping.
            connections.add(ch);
            ch.closeFuture().addListener(f -> connections.remove(ch));
            if (stopping.get()) {
                ch.close();
                return;
            }
            ChannelPipeline p = ch.pipeline();
            if (served.incrementAndGet() > settings.maxConnections()) {
                served.decrementAndGet();
                LOG.debug("HTTP connection from {} over the limit of {}", ch.remoteAddress(), settings.maxConnections());
                p.addLast("idle", new IdleStateHandler(0, 0, OVER_LIMIT_IDLE_MILLIS, TimeUnit.MILLISECONDS));
                p.addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
                p.addLast("close", new CloseAfterResponseHandler());
                p.addLast("overLimit", new OverLimitHandler(unrouted));
                return;
            }
            ch.closeFuture().addListener(f -> served.decrementAndGet());
            initPipeline(p);
        }
    }

    /** The pipeline of a served connection (also used by tests on an EmbeddedChannel). */
    void initPipeline(ChannelPipeline p) {
        int maxBody = settings.maxRequestBodyBytes();
        p.addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
        p.addLast("close", new CloseAfterResponseHandler());
        p.addLast("expect", new BodyLimitExpectContinueHandler(maxBody, unrouted));
        p.addLast("bodyLimit", new BodyLimitHandler(maxBody));
        // Bodies never exceed the aggregator's own limit: BodyLimitHandler cuts them first.
        p.addLast("aggregator", new HttpObjectAggregator(maxBody));
        p.addLast("routes", new ConnectionHandler(this));
    }
}
