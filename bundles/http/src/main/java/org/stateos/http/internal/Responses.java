package org.stateos.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The server's own short answers: plain text, never a stack trace. */
final class Responses {
    static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private Responses() {}

    /** {@code "404 Not Found: message"} as text/plain, allocated from {@code alloc} (or unpooled when null). */
    static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
        String text = status.code() + " " + status.reasonPhrase() + ": " + message + "\n";
        ByteBuf body = alloc == null ? Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)
                : ByteBufUtil.writeUtf8(alloc, text);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN);
        r.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    static FullHttpResponse empty(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    }

    /**
     * Says whether the connection stays open: nothing for HTTP/1.1 keep-alive, "keep-alive" for HTTP/1.0, and
     * always an explicit "close" (which {@link CloseAfterResponseHandler} acts on).
     */
    static void setConnection(HttpHeaders headers, HttpVersion version, boolean keepAlive) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(headers, version, true);
        } else {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    static String tooLargeMessage(long max) {
        return "request body larger than the limit of " + max + " bytes";
    }
}
