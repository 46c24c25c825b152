package org.stateos.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/** Serves a connection beyond the connection limit: its first request gets 503 and the connection closes. */
final class OverLimitHandler extends ChannelInboundHandlerAdapter {
    private final RouteMetrics unrouted;
    private boolean answered;

    OverLimitHandler(RouteMetrics unrouted) {
        this.unrouted = unrouted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean request = msg instanceof HttpRequest;
        ReferenceCountUtil.release(msg);
        if (request && !answered) {
            answered = true;
            FullHttpResponse r = Responses.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many connections; try again later");
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            unrouted.request();
            unrouted.response(r.status().code());
            unrouted.bytesOut(r.content().readableBytes());
            ctx.writeAndFlush(r); // CloseAfterResponseHandler closes after it
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent || evt == HttpServer.STOP) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
