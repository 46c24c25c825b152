package org.stateos.http.internal;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Answers {@code Expect: 100-continue}: 100 when the declared body fits the limit, else 413 at once (the client
 * then does not send the body) and the connection closes, since a client may send the body anyway.
 */
final class BodyLimitExpectContinueHandler extends HttpServerExpectContinueHandler {
    private final long maxBytes;
    private final RouteMetrics unrouted;

    BodyLimitExpectContinueHandler(long maxBytes, RouteMetrics unrouted) {
        this.maxBytes = maxBytes;
        this.unrouted = unrouted;
    }

    @Override
    protected HttpResponse acceptMessage(HttpRequest request) {
        return HttpUtil.getContentLength(request, -1L) > maxBytes ? null : super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        FullHttpResponse r = Responses.text(null, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Responses.tooLargeMessage(maxBytes));
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        unrouted.request();
        unrouted.response(r.status().code());
        unrouted.bytesOut(r.content().readableBytes());
        return r;
    }
}
