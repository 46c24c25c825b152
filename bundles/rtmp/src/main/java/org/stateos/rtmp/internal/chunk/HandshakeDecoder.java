package org.stateos.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the RTMP handshake: reads C0+C1, answers S0+S1+S2, reads C2, then leaves the pipeline; the
 * bytes after C2 go on to the chunk decoder.
 *
 * <p>Plain handshake (what ffmpeg and OBS need). A client using the digest ("complex", Flash Player 9+) variant gets
 * its C1 echoed as S2 and an S1 with version 0, which tells it the server does the plain handshake; clients that
 * publish accept that. RTMPE (C0 = 6) and unknown versions are refused.
 */
public final class HandshakeDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDecoder.class);
    public static final int VERSION = 3;
    public static final int PACKET_SIZE = 1536;

    /** Fired down the pipeline when the handshake is done. */
    public static final Object COMPLETE = new Object() {
        @Override
        public String toString() {
            return "HANDSHAKE_COMPLETE";
        }
    };

    enum State {
        READ_C0C1,
        READ_C2,
        DONE,
        /** Refused; whatever else arrives is dropped while the connection closes. */
        FAILED
    }

    private final long timeoutMillis;
    private State state = State.READ_C0C1;
    private ScheduledFuture<?> timeout;

    /** @param timeoutMillis the connection is closed when the handshake takes longer; 0 = no limit */
    public HandshakeDecoder(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    State state() {
        return state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (timeoutMillis > 0) {
            timeout = ctx.executor().schedule(() -> {
                if (state != State.DONE && state != State.FAILED) {
                    LOG.info("RTMP {}: handshake not done within {} ms ({}); closing", ctx.channel().remoteAddress(),
                            timeoutMillis, state);
                    ctx.close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_C0C1: {
                if (in.readableBytes() < 1) {
                    return;
                }
                int version = in.getUnsignedByte(in.readerIndex());
                if (version != VERSION) {
                    state = State.FAILED;
                    in.skipBytes(in.readableBytes());
                    throw new RtmpProtocolException("RTMP handshake version " + version + " not supported"
                            + (version == 6 || version == 8 ? " (RTMPE encryption)" : "") + "; only 3");
                }
                if (in.readableBytes() < 1 + PACKET_SIZE) {
                    return;
                }
                in.skipBytes(1);
                ByteBuf c1 = in.readSlice(PACKET_SIZE);
                ctx.writeAndFlush(serverHello(ctx, c1));
                state = State.READ_C2;
                // fall through: C2 may already be here
            }
            case READ_C2:
                if (in.readableBytes() < PACKET_SIZE) {
                    return;
                }
                in.skipBytes(PACKET_SIZE); // C2 echoes S1; nothing in it is checked
                state = State.DONE;
                ctx.fireUserEventTriggered(COMPLETE);
                ctx.pipeline().remove(this); // remaining bytes go on to the chunk decoder
                return;
            case DONE:
            case FAILED:
            default:
                in.skipBytes(in.readableBytes());
        }
    }

    /** S0 + S1 + S2: version, our time + zero version + random, then C1 echoed. */
    static ByteBuf serverHello(ChannelHandlerContext ctx, ByteBuf c1) {
        ByteBuf out = ctx.alloc().buffer(1 + 2 * PACKET_SIZE);
        out.writeByte(VERSION);
        out.writeInt(0); // S1 time
        out.writeInt(0); // S1 "version": zero = plain handshake
        byte[] random = new byte[PACKET_SIZE - 8];
        ThreadLocalRandom.current().nextBytes(random);
        out.writeBytes(random);
        out.writeBytes(c1, c1.readerIndex(), PACKET_SIZE); // S2 = C1
        return out;
    }
}
