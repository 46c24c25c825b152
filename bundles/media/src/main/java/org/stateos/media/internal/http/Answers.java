package org.stateos.media.internal.http;

import com.google.gson.JsonObject;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import org.stateos.http.HttpExchange;

/** JSON answers of the media routes. */
final class Answers {
    static final String JSON = "application/json; charset=utf-8";

    private Answers() {}

    static void json(HttpExchange x, HttpResponseStatus status, JsonObject body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(x.alloc(), StreamsJson.GSON.toJson(body) + "\n"));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        r.headers().set("X-Content-Type-Options", "nosniff");
        x.respond(r);
    }

    static void error(HttpExchange x, HttpResponseStatus status, String message) {
        json(x, status, StreamsJson.error(message));
    }
}
