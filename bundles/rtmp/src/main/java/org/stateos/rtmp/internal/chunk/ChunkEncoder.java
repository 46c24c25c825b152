package org.stateos.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Splits outgoing {@link RtmpMessage}s into chunks: a type 0 header on the first chunk (extended timestamp when
 * needed), type 3 headers on the rest. The server sends only small control and command messages, so it keeps no
 * per-stream header compression. A Set Chunk Size it sends takes effect for the messages after it. Other
 * outbound objects (the handshake's bytes) pass through.
 *
 * <p>Not a {@code MessageToByteEncoder}: that one caches its message type's class in a FastThreadLocal of the
 * event loop thread (TypeParameterMatcher), which would pin this bundle's class loader in the node's shared event
 * loop after a bundle update.
 */
public final class ChunkEncoder extends ChannelOutboundHandlerAdapter {
    private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof RtmpMessage m)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf out;
        try {
            int length = m.payload().readableBytes();
            out = ctx.alloc().buffer(length + 18 + (length / chunkSize + 1) * 7);
            try {
                encode(m, out, chunkSize);
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
            if (m.typeId() == MessageType.SET_CHUNK_SIZE && length >= 4) {
                chunkSize = (int) Math.min(ChunkDecoder.MAX_CHUNK_SIZE,
                        Math.max(1, m.payload().getUnsignedInt(m.payload().readerIndex()) & 0x7FFFFFFFL));
            }
        } catch (RuntimeException e) {
            m.release();
            promise.tryFailure(e);
            return;
        }
        m.release();
        ctx.write(out, promise);
    }

    /** Writes {@code msg} as chunks of at most {@code chunkSize} payload bytes. */
    public static void encode(RtmpMessage msg, ByteBuf out, int chunkSize) {
        ByteBuf payload = msg.payload();
        int length = payload.readableBytes();
        if (length > ChunkDecoder.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("message of " + length + " bytes is too long for RTMP");
        }
        long ts = msg.timestamp();
        boolean extended = ts >= 0xFFFFFF;
        int pos = payload.readerIndex();
        int end = pos + length;
        boolean first = true;
        do {
            writeBasicHeader(out, first ? 0 : 3, msg.chunkStreamId());
            if (first) {
                out.writeMedium(extended ? 0xFFFFFF : (int) ts);
                out.writeMedium(length);
                out.writeByte(msg.typeId());
                out.writeIntLE(msg.streamId());
            }
            if (extended) {
                out.writeInt((int) ts);
            }
            int n = Math.min(chunkSize, end - pos);
            out.writeBytes(payload, pos, n);
            pos += n;
            first = false;
        } while (pos < end);
    }

    static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 2 || csid > 65599) {
            throw new IllegalArgumentException("chunk stream id out of range 2..65599: " + csid);
        }
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6).writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1).writeByte((csid - 64) & 0xFF).writeByte((csid - 64) >> 8);
        }
    }
}
