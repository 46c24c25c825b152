package org.stateos.http.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.util.ReferenceCountUtil;

/**
 * Enforces the request body limit in front of the {@link io.netty.handler.codec.http.HttpObjectAggregator}, so
 * the 413 carries a clear message and is answered in order by the {@link ConnectionHandler}.
 *
 * <ul>
 *   <li>Declared length over the limit: the request is replaced by an {@link OversizedRequest} and its body is
 *       read and dropped, so the connection stays usable.</li>
 *   <li>Chunked body growing past the limit: the body is cut and ended with a failed
 *       {@link LastHttpContent}; the aggregator passes the request on failed, answered 413 and closed.</li>
 * </ul>
 *
 * <p>A plain {@code ChannelInboundHandlerAdapter} on purpose: subclasses of Netty's message decoders are cached
 * by class in each event-loop thread (TypeParameterMatcher) and would pin this bundle's class loader in the
 * node's shared threads across bundle updates.
 */
final class BodyLimitHandler extends ChannelInboundHandlerAdapter {
    private final long maxBytes;
    private boolean discarding;
    private long received;

    BodyLimitHandler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            discarding = false;
            received = 0;
            if (request.decoderResult().isSuccess() && HttpUtil.getContentLength(request, -1L) > maxBytes) {
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                ReferenceCountUtil.release(msg);
                discarding = !(msg instanceof LastHttpContent);
                ctx.fireChannelRead(new OversizedRequest(request.protocolVersion(), keepAlive));
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            boolean last = msg instanceof LastHttpContent;
            if (discarding) {
                ReferenceCountUtil.release(msg);
                discarding = !last;
                return;
            }
            if (!(msg instanceof HttpRequest)) {
                received += content.content().readableBytes();
                if (received > maxBytes) {
                    ReferenceCountUtil.release(msg);
                    discarding = !last;
                    LastHttpContent cut = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                    cut.setDecoderResult(DecoderResult.failure(new TooLongHttpContentException(
                            Responses.tooLargeMessage(maxBytes))));
                    ctx.fireChannelRead(cut);
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }
}
