package org.stateos.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One request to a route, and the way to answer it: once, now or later, from any thread.
 *
 * <p>Answer with exactly one of {@link #respond(FullHttpResponse)} (and its shortcuts),
 * {@link #respondLater(CompletionStage)}, {@link #fail(Throwable)} or {@link #stream(HttpResponse)}.
 * A second answer releases its body and throws {@link IllegalStateException}. An answer given after the
 * exchange is over for another reason (the client went away, the route was unregistered, the server stopped)
 * is released and dropped without error: {@link #isOpen()} tells whether anyone is still listening.
 *
 * <p>Buffers: every {@link ByteBuf} handed to an answer method (inside a response or alone) belongs to the
 * server from that call on; the server releases it once written or dropped. Do not touch it afterwards.
 *
 * <p>The server sets {@code Content-Length} (when absent), {@code Connection} and, for CORS routes,
 * {@code Access-Control-*} headers on the answer. Everything else (type, caching, {@code Location},
 * {@code ETag}, {@code Link}) is the route's.
 */
@ProviderType
public interface HttpExchange {

    /**
     * The request, aggregated (body at most the configured maximum). Valid while
     * {@link HttpRoute#handle} runs; the server releases it when that returns.
     */
    FullHttpRequest request();

    HttpMethod method();

    /** The decoded path, e.g. {@code /whep/cam1/sessions/7}. */
    String path();

    /** The path below the route's prefix: {@code ""} or starting with {@code /} ({@code /cam1/sessions/7}). */
    String pathInRoute();

    /** Decoded query parameters (empty map when there is no query). */
    Map<String, List<String>> queryParameters();

    InetSocketAddress remoteAddress();

    /** The connection's allocator: allocate response bodies here to write them without a copy. */
    ByteBufAllocator alloc();

    /** The connection's event loop: for timers and for continuing work without a thread hop. Never block it. */
    EventExecutor executor();

    /** True while the exchange has not been answered and the connection is open. */
    boolean isOpen();

    /**
     * Runs {@code action} once the exchange is over: the answer was written, the client went away, the route
     * was unregistered or the server stopped. Runs at once if it is already over. Use it to drop waiters of
     * long-lived requests. Runs on the event loop: keep it short.
     */
    void onDone(Runnable action);

    /** Answers with a complete response; takes ownership of its content. */
    void respond(FullHttpResponse response);

    /** Answers with {@code status} and {@code body} (ownership passes to the server); contentType may be null. */
    void respond(HttpResponseStatus status, CharSequence contentType, ByteBuf body);

    /** Answers with {@code status} and {@code text} encoded as UTF-8. */
    void respond(HttpResponseStatus status, CharSequence contentType, CharSequence text);

    /**
     * Answers when {@code response} completes. If it completes exceptionally (or with null) the client gets a
     * 500 and the cause is logged with the route's name. A response that completes after the exchange is over
     * is released.
     */
    void respondLater(CompletionStage<? extends FullHttpResponse> response);

    /** Answers 500 with a generic body and logs {@code cause} with the route's name (never sent to the client). */
    void fail(Throwable cause);

    /**
     * Starts a long-lived or large response: sends {@code head} now and returns the stream for its body.
     * Without a {@code Content-Length} header the body is sent chunked (or, to an HTTP/1.0 client, ended by
     * closing the connection).
     *
     * @param head a response head that is not a {@link FullHttpResponse}, e.g.
     *             {@code new DefaultHttpResponse(HTTP_1_1, OK)}
     */
    HttpResponseStream stream(HttpResponse head);
}
