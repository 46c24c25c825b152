package org.stateos.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpResponseStream;

/**
 * One request handed to a route. Answer methods may be called from any thread; the state machine
 * (OPEN → ANSWERED | STREAMING → ANSWERED, or → GONE) makes sure exactly one answer reaches the connection and
 * every other buffer is released.
 */
final class Exchange implements HttpExchange {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private static final int OPEN = 0;
    private static final int STREAMING = 1;
    private static final int ANSWERED = 2;
    /** Over without a complete answer: client went away, route removed mid-stream, stream aborted. */
    private static final int GONE = 3;

    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final ConnectionHandler connection;
    private final Channel channel;
    private final HttpServer server;
    final RouteEntry route;
    private final FullHttpRequest request;
    private final HttpMethod method;
    private final HttpVersion version;
    private final boolean keepAliveRequested;
    private final String origin;
    private final String uri;
    private final String path;
    private final String pathInRoute;
    private volatile Map<String, List<String>> query;

    private final Object doneLock = new Object();
    private List<Runnable> doneActions; // guarded by doneLock
    private boolean done; // guarded by doneLock

    Exchange(ConnectionHandler connection, Channel channel, HttpServer server, RouteEntry route, FullHttpRequest request,
            String uri, String path, String pathInRoute) {
        this.connection = connection;
        this.channel = channel;
        this.server = server;
        this.route = route;
        this.request = request;
        this.method = request.method();
        this.version = request.protocolVersion();
        this.keepAliveRequested = HttpUtil.isKeepAlive(request);
        this.origin = request.headers().get(HttpHeaderNames.ORIGIN);
        this.uri = uri;
        this.path = path;
        this.pathInRoute = pathInRoute;
    }

    // ---- what the route reads

    @Override
    public FullHttpRequest request() {
        return request;
    }

    @Override
    public HttpMethod method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String pathInRoute() {
        return pathInRoute;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> q = query;
        if (q == null) {
            q = uri.indexOf('?') < 0 ? Map.of() : Collections.unmodifiableMap(new QueryStringDecoder(uri).parameters());
            query = q;
        }
        return q;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public EventExecutor executor() {
        return channel.eventLoop();
    }

    @Override
    public boolean isOpen() {
        return state.get() == OPEN && channel.isActive();
    }

    @Override
    public void onDone(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (doneLock) {
            if (!done) {
                if (doneActions == null) {
                    doneActions = new ArrayList<>(2);
                }
                doneActions.add(action);
                return;
            }
        }
        runDoneAction(action);
    }

    // ---- answers

    @Override
    public void respond(FullHttpResponse response) {
        answer(response, true);
    }

    @Override
    public void respond(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        Objects.requireNonNull(body, "body");
        if (status == null) {
            body.release();
            throw new NullPointerException("status");
        }
        respond(response(status, contentType, body));
    }

    @Override
    public void respond(HttpResponseStatus status, CharSequence contentType, CharSequence text) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(text, "text");
        if (state.get() == GONE) {
            return; // nobody listens: do not even allocate
        }
        respond(response(status, contentType, ByteBufUtil.writeUtf8(channel.alloc(), text)));
    }

    @Override
    public void respondLater(CompletionStage<? extends FullHttpResponse> response) {
        Objects.requireNonNull(response, "response");
        response.whenComplete((r, e) -> {
            if (e != null) {
                fail(unwrap(e));
            } else if (r == null) {
                fail(new NullPointerException("route completed its response with null"));
            } else {
                answer(r, false);
            }
        });
    }

    @Override
    public void fail(Throwable cause) {
        internalError("failed on", cause);
    }

    @Override
    public HttpResponseStream stream(HttpResponse head) {
        Objects.requireNonNull(head, "head");
        if (head instanceof FullHttpResponse full) {
            full.release();
            throw new IllegalArgumentException("stream() takes a response head; answer a FullHttpResponse with respond()");
        }
        if (!state.compareAndSet(OPEN, STREAMING)) {
            if (state.get() == GONE) {
                return new Stream(false, true);
            }
            throw new IllegalStateException("route " + route.name + " answered " + method + " " + path + " twice");
        }
        boolean keepAlive = keepAliveFor(head);
        if (!HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head)) {
            if (version.equals(HttpVersion.HTTP_1_0)) {
                keepAlive = false; // an HTTP/1.0 client reads to the end of the connection
            } else {
                HttpUtil.setTransferEncodingChunked(head, true);
            }
        }
        prepare(head, keepAlive);
        route.metrics.response(head.status().code());
        channel.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        return new Stream(keepAlive, false);
    }

    // ---- server side

    /** The route threw from handle(), or failed later. */
    void internalError(String what, Throwable cause) {
        LOG.error("HTTP route '{}' ({}) {} {} {}", route.name, route.bundle, what, method, path, cause);
        if (state.compareAndSet(OPEN, ANSWERED)) {
            send(Responses.text(channel.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "the server failed to answer this request"));
        } else if (state.compareAndSet(STREAMING, GONE)) {
            channel.close();
        }
    }

    /** The route was unregistered while this request was in progress. */
    void routeGone() {
        if (state.compareAndSet(OPEN, GONE)) { // GONE: a late answer from the route is dropped quietly
            send(Responses.text(channel.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the service for this path went away; try again"));
        } else if (state.compareAndSet(STREAMING, GONE)) {
            channel.close();
        }
    }

    /** The connection closed (on the event loop). */
    void connectionClosed() {
        state.compareAndSet(OPEN, GONE);
        state.compareAndSet(STREAMING, GONE);
        complete();
    }

    /** Runs the done actions once and forgets the exchange in its route. */
    void complete() {
        List<Runnable> actions;
        synchronized (doneLock) {
            if (done) {
                return;
            }
            done = true;
            actions = doneActions;
            doneActions = null;
        }
        route.inFlight.remove(this);
        if (actions != null) {
            actions.forEach(this::runDoneAction);
        }
    }

    private void runDoneAction(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("HTTP route '{}' ({}): an onDone action failed", route.name, route.bundle, e);
        }
    }

    private void answer(FullHttpResponse response, boolean throwIfAnswered) {
        Objects.requireNonNull(response, "response");
        if (state.compareAndSet(OPEN, ANSWERED)) {
            send(response);
            return;
        }
        ReferenceCountUtil.release(response);
        if (state.get() == GONE) {
            return;
        }
        String message = "route " + route.name + " answered " + method + " " + path + " twice";
        if (throwIfAnswered) {
            throw new IllegalStateException(message);
        }
        LOG.warn("HTTP {}; the later answer was dropped", message);
    }

    private void send(FullHttpResponse response) {
        boolean keepAlive = keepAliveFor(response);
        int code = response.status().code();
        if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && !HttpUtil.isTransferEncodingChunked(response)
                && code >= 200 && code != 204 && code != 304) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        }
        prepare(response, keepAlive);
        route.metrics.response(code);
        route.metrics.bytesOut(method.equals(HttpMethod.HEAD) ? 0 : response.content().readableBytes());
        channel.writeAndFlush(response).addListener((ChannelFutureListener) f ->
                connection.finished(this, keepAlive && f.isSuccess()));
    }

    private boolean keepAliveFor(HttpResponse response) {
        return keepAliveRequested && !server.isStopping()
                && !response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }

    private void prepare(HttpResponse response, boolean keepAlive) {
        Responses.setConnection(response.headers(), version, keepAlive);
        if (route.cors != null) {
            route.cors.addResponseHeaders(response.headers(), origin);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        return r;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    public String toString() {
        return method + " " + path + " -> " + route;
    }

    /** The body of a streamed answer. */
    private final class Stream implements HttpResponseStream {
        private final boolean keepAlive;
        private final boolean dead;

        Stream(boolean keepAlive, boolean dead) {
            this.keepAlive = keepAlive;
            this.dead = dead;
        }

        @Override
        public CompletionStage<Void> write(ByteBuf chunk) {
            Objects.requireNonNull(chunk, "chunk");
            if (dead || state.get() != STREAMING) {
                chunk.release();
                return CompletableFuture.failedFuture(new ClosedChannelException());
            }
            if (!chunk.isReadable()) {
                chunk.release(); // an empty chunk would end a chunked body
                return CompletableFuture.completedFuture(null);
            }
            route.metrics.bytesOut(method.equals(HttpMethod.HEAD) ? 0 : chunk.readableBytes());
            return stage(channel.writeAndFlush(new DefaultHttpContent(chunk)));
        }

        @Override
        public void end() {
            if (!dead && state.compareAndSet(STREAMING, ANSWERED)) {
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFutureListener) f ->
                        connection.finished(Exchange.this, keepAlive && f.isSuccess()));
            }
        }

        @Override
        public void abort() {
            if (!dead && state.compareAndSet(STREAMING, GONE)) {
                channel.close();
            }
        }

        @Override
        public boolean isOpen() {
            return !dead && state.get() == STREAMING && channel.isActive();
        }

        private CompletionStage<Void> stage(ChannelFuture future) {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            future.addListener(f -> {
                if (f.isSuccess()) {
                    stage.complete(null);
                } else {
                    stage.completeExceptionally(f.cause());
                }
            });
            return stage;
        }
    }
}
