package org.stateos.rtmp.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;

/**
 * First handler of a connection: counts the bytes received (for rtmp:sessions and the bitrate) and sends an
 * Acknowledgement each time another window of bytes has arrived (RTMP specification 5.4.3). The window is the
 * one the peer announced with Window Acknowledgement Size, or the configured one until it does.
 */
public final class ByteCounter extends ChannelInboundHandlerAdapter {
    private static final long RATE_PERIOD_NANOS = 2_000_000_000L;

    private volatile long bytesIn;
    private volatile long bitrateBps;
    private volatile long lastReadNanos = System.nanoTime();
    private long window;
    private long lastAck;
    private long periodStart = System.nanoTime();
    private long periodStartBytes;
    private boolean acksEnabled = true;

    public ByteCounter(long window) {
        this.window = window;
    }

    public long bytesIn() {
        return bytesIn;
    }

    /** Bits per second received over the last period of about 2 s (decaying while nothing arrives). */
    public long bitrateBps() {
        long silentFor = System.nanoTime() - lastReadNanos;
        if (silentFor > 2 * RATE_PERIOD_NANOS) {
            return 0;
        }
        return bitrateBps;
    }

    /** The peer's Window Acknowledgement Size. */
    public void window(long bytes) {
        window = Math.max(1, bytes);
    }

    void acksEnabled(boolean enabled) {
        acksEnabled = enabled;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            long total = bytesIn + buf.readableBytes();
            bytesIn = total;
            long now = System.nanoTime();
            lastReadNanos = now;
            if (now - periodStart >= RATE_PERIOD_NANOS) {
                bitrateBps = (total - periodStartBytes) * 8_000_000_000L / (now - periodStart);
                periodStart = now;
                periodStartBytes = total;
            }
            if (acksEnabled && total - lastAck >= window) {
                lastAck = total;
                ctx.channel().writeAndFlush(ack(ctx.alloc(), total));
            }
        }
        ctx.fireChannelRead(msg);
    }

    static RtmpMessage ack(ByteBufAllocator alloc, long total) {
        return new RtmpMessage(MessageType.CSID_CONTROL, MessageType.ACKNOWLEDGEMENT, 0, 0,
                alloc.buffer(4).writeInt((int) total));
    }
}
