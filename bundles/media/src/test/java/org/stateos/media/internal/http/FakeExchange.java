package org.stateos.media.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.stateos.http.HttpExchange;
import org.stateos.http.HttpResponseStream;

/** An exchange without a server: records the answer (full or streamed) and releases every buffer it gets. */
final class FakeExchange implements HttpExchange {
    final String path;
    final String inRoute;
    final Map<String, List<String>> query;
    volatile HttpResponseStatus status;
    volatile String contentType;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final CompletableFuture<Boolean> done = new CompletableFuture<>();   // true: ended, false: aborted

    FakeExchange(String prefix, String uri) {
        QueryStringDecoder d = new QueryStringDecoder(uri);
        this.path = d.path();
        this.inRoute = d.path().substring(prefix.length());
        this.query = d.parameters();
    }

    String text() {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public FullHttpRequest request() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.GET;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String pathInRoute() {
        return inRoute;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        return query;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public EventExecutor executor() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
        return !done.isDone();
    }

    @Override
    public void onDone(Runnable action) {
        done.whenComplete((v, e) -> action.run());
    }

    @Override
    public void respond(FullHttpResponse response) {
        status = response.status();
        contentType = response.headers().get("Content-Type");
        take(response.content());
        response.release();
        done.complete(true);
    }

    private synchronized void take(ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        body.writeBytes(bytes);
    }

    @Override
    public void respond(HttpResponseStatus s, CharSequence type, ByteBuf b) {
        status = s;
        contentType = type == null ? null : type.toString();
        take(b);
        b.release();
        done.complete(true);
    }

    @Override
    public void respond(HttpResponseStatus s, CharSequence type, CharSequence text) {
        status = s;
        body.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        done.complete(true);
    }

    @Override
    public void respondLater(CompletionStage<? extends FullHttpResponse> response) {
        response.thenAccept(this::respond);
    }

    @Override
    public void fail(Throwable cause) {
        status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        done.complete(false);
    }

    @Override
    public HttpResponseStream stream(HttpResponse head) {
        status = head.status();
        contentType = head.headers().get("Content-Type");
        return new HttpResponseStream() {
            @Override
            public CompletionStage<Void> write(ByteBuf chunk) {
                take(chunk);
                chunk.release();
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void end() {
                done.complete(true);
            }

            @Override
            public void abort() {
                done.complete(false);
            }

            @Override
            public boolean isOpen() {
                return !done.isDone();
            }
        };
    }
}
