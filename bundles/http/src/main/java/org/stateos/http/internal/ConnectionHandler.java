package org.stateos.http.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection: routes each aggregated request, one at a time and in order, and answers
 * what no route takes (400, 404, 405, 413, 503, OPTIONS). All its state is confined to the connection's event
 * loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Pipelined requests waiting behind the current one before reading pauses. */
    private static final int PAUSE_READING_AT = 4;
    /** Pipelined requests beyond this (decoded from what was already read) close the connection. */
    private static final int MAX_QUEUED = 64;

    private final HttpServer server;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean dispatching;
    private boolean closing;
    private boolean stopRequested;

    ConnectionHandler(HttpServer server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest || msg instanceof OversizedRequest) || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queue.add(msg);
        if (queue.size() > MAX_QUEUED) {
            LOG.debug("HTTP client {} pipelined more than {} requests; closing", ctx.channel().remoteAddress(), MAX_QUEUED);
            closing = true;
            releaseQueue();
            ctx.close();
            return;
        }
        if (current != null && queue.size() >= PAUSE_READING_AT) {
            ctx.channel().config().setAutoRead(false);
        }
        drain();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseQueue();
        Exchange ex = current;
        current = null;
        if (ex != null) {
            ex.connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (current == null && queue.isEmpty()) {
                ctx.close();
            }
        } else if (evt == HttpServer.STOP) {
            stopRequested = true;
            if (current == null) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("HTTP connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** An exchange was answered (its last write done, or failed); on the event loop. */
    void finished(Exchange ex, boolean keepAlive) {
        ex.complete();
        if (current != ex) {
            return;
        }
        current = null;
        if (!keepAlive || stopRequested) {
            closing = true;
            releaseQueue();
            ctx.close();
            return;
        }
        drain();
    }

    private void drain() {
        if (dispatching) {
            return; // the loop below picks the next request up
        }
        dispatching = true;
        try {
            while (current == null && !closing && !queue.isEmpty()) {
                dispatch(queue.poll());
            }
            if (current == null && !closing && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
        } finally {
            dispatching = false;
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof OversizedRequest o) {
            answerUnrouted(o.version(), o.keepAlive(), Responses.text(ctx.alloc(),
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Responses.tooLargeMessage(server.settings().maxRequestBodyBytes())));
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        try {
            route(request);
        } finally {
            try {
                request.release();
            } catch (IllegalReferenceCountException e) {
                LOG.warn("HTTP route for {} {} released a request it did not own", request.method(), request.uri());
            }
        }
    }

    private void route(FullHttpRequest request) {
        HttpVersion version = request.protocolVersion();
        DecoderResult decoded = request.decoderResult();
        if (!decoded.isSuccess()) {
            Throwable cause = decoded.cause();
            HttpResponseStatus status;
            String message;
            if (cause instanceof TooLongHttpContentException) {
                status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                message = Responses.tooLargeMessage(server.settings().maxRequestBodyBytes());
            } else if (cause instanceof TooLongHttpLineException) {
                status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
                message = "request line too long";
            } else if (cause instanceof TooLongHttpHeaderException) {
                status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
                message = "request headers too large";
            } else {
                status = HttpResponseStatus.BAD_REQUEST;
                message = "malformed HTTP request";
            }
            LOG.debug("HTTP client {}: {} ({})", ctx.channel().remoteAddress(), message, cause.toString());
            answerUnrouted(version, false, Responses.text(ctx.alloc(), status, message));
            return;
        }
        if (server.isStopping() || stopRequested) {
            answerUnrouted(version, false, Responses.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the server is stopping; try again"));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS) && request.uri().equals("*")) {
            answerUnrouted(version, keepAlive, Responses.empty(HttpResponseStatus.NO_CONTENT));
            return;
        }
        String uri = originForm(request.uri());
        String path = uri == null ? null : pathOf(uri);
        if (path == null) {
            answerUnrouted(version, false, Responses.text(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                    "malformed request path"));
            return;
        }
        RouteTable.Match match = server.routeTable().match(path);
        if (match == null) {
            answerUnrouted(version, keepAlive, Responses.text(ctx.alloc(), HttpResponseStatus.NOT_FOUND,
                    "nothing is served at this path"));
            return;
        }
        RouteEntry route = match.entry();
        route.metrics.request();
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (method.equals(HttpMethod.OPTIONS)) {
            boolean preflight = origin != null && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
            if (preflight || !route.methods.contains(HttpMethod.OPTIONS)) {
                FullHttpResponse r = Responses.empty(HttpResponseStatus.NO_CONTENT);
                r.headers().set(HttpHeaderNames.ALLOW, route.allow);
                if (route.cors != null) {
                    if (preflight) {
                        route.cors.addPreflightHeaders(r.headers(), origin, route.allow);
                    } else {
                        route.cors.addResponseHeaders(r.headers(), origin);
                    }
                }
                answer(route.metrics, version, keepAlive, r);
                return;
            }
        }
        if (!route.allows(method)) {
            FullHttpResponse r = Responses.text(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                    method.name() + " is not allowed here; allowed: " + route.allow);
            r.headers().set(HttpHeaderNames.ALLOW, route.allow);
            if (route.cors != null) {
                route.cors.addResponseHeaders(r.headers(), origin);
            }
            answer(route.metrics, version, keepAlive, r);
            return;
        }
        Exchange ex = new Exchange(this, ctx.channel(), server, route, request, uri, path, match.pathInRoute());
        current = ex;
        route.inFlight.add(ex);
        if (route.isRetired()) {
            ex.routeGone(); // removed between the lookup and now
            return;
        }
        try {
            route.route.handle(ex);
        } catch (Throwable t) {
            ex.internalError("threw on", t);
        }
    }

    private void answerUnrouted(HttpVersion version, boolean keepAlive, FullHttpResponse response) {
        server.unroutedMetrics().request();
        answer(server.unroutedMetrics(), version, keepAlive, response);
    }

    /** Writes one of the server's own answers, in order, and closes after it unless keep-alive. */
    private void answer(RouteMetrics metrics, HttpVersion version, boolean keepAlive, FullHttpResponse response) {
        boolean keep = keepAlive && !server.isStopping() && !stopRequested;
        if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && response.status().code() != 204) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        }
        Responses.setConnection(response.headers(), version, keep);
        metrics.response(response.status().code());
        metrics.bytesOut(response.content().readableBytes());
        if (keep) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            closing = true;
            releaseQueue();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void releaseQueue() {
        Object msg;
        while ((msg = queue.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The request target in origin form ({@code /path?query}); absolute form is reduced to it. Null if neither. */
    static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme <= 0 || !uri.substring(0, scheme).matches("(?i)https?")) {
            return null;
        }
        int slash = uri.indexOf('/', scheme + 3);
        int question = uri.indexOf('?', scheme + 3);
        if (slash < 0 || question >= 0 && question < slash) {
            return "/" + (question < 0 ? "" : uri.substring(question));
        }
        return uri.substring(slash);
    }

    /** The decoded path of an origin-form target; null if it is malformed or climbs with dot segments. */
    static String pathOf(String originForm) {
        String path;
        try {
            path = new QueryStringDecoder(originForm).path();
        } catch (IllegalArgumentException e) {
            return null; // a broken %-escape
        }
        if (path.isEmpty() || path.charAt(0) != '/' || path.indexOf('\0') >= 0) {
            return null;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return null;
            }
        }
        return path;
    }
}
