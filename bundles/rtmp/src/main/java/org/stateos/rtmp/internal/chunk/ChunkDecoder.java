package org.stateos.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP messages from the chunk stream (RTMP specification 1.0, section 5.3): basic headers with
 * one-, two- and three-byte chunk stream ids; message headers of type 0 (absolute timestamp), 1 (delta, length,
 * type), 2 (delta) and 3 (none: a continuation, or a new message repeating the previous delta); extended
 * timestamps (also on type 3 chunks that follow one, as the specification and ffmpeg do); 32-bit timestamp
 * arithmetic that wraps.
 *
 * <p>It applies Set Chunk Size and Abort itself, since they change how the very next chunk is framed, and passes
 * them on like every other message. A chunk is consumed only when it is complete, so nothing is parsed twice.
 *
 * <p>Bounds: a message longer than {@code maxMessageSize}, a chunk size outside 1..2^24-1, more than
 * {@code maxChunkStreams} chunk streams with a message in progress, or a type 1/2/3 header on a chunk stream
 * without a previous header each fail with {@link RtmpProtocolException}. No buffer is allocated from a
 * declared length: a message is held as slices of the received bytes (no copy) while it has few chunks, and
 * otherwise in a buffer that grows with the bytes that actually arrive.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {
    /** RTMP's initial chunk size. */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    public static final int MAX_CHUNK_SIZE = 0xFFFFFF;
    /** Up to this many chunks a message is a composite of slices of the received buffers; beyond, one copy. */
    static final int MAX_ZERO_COPY_CHUNKS = 16;
    private static final int EXTENDED = 0xFFFFFF;

    /** What the decoder remembers of one chunk stream. */
    private static final class ChunkStream {
        long timestamp; // of the current message, 32-bit unsigned
        long delta; // the last timestamp field of a type 1/2 header (or type 0's absolute value)
        boolean extended; // the last header carried an extended timestamp (so type 3 chunks repeat it)
        int length;
        int typeId;
        int streamId;
        ByteBuf partial; // the message in progress; null between messages
        int chunks;
    }

    private final int maxMessageSize;
    private final int maxChunkStreams;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int inProgress;
    private boolean failed;

    public ChunkDecoder(int maxMessageSize, int maxChunkStreams) {
        if (maxMessageSize < 1 || maxMessageSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be 1..16777215: " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxChunkStreams = maxChunkStreams;
    }

    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes()); // the connection is closing; nothing after an error is framed
            return;
        }
        try {
            RtmpMessage message;
            while ((message = readChunk(in, ctx.alloc())) != null) {
                out.add(message);
            }
        } catch (RuntimeException e) {
            failed = true;
            releasePartials();
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /**
     * Reads one complete chunk from {@code in} when there is one; returns the message it completes, if it does.
     * Leaves {@code in} untouched when the chunk is not complete yet. Pure apart from this decoder's state: tests
     * and the fuzz test drive it directly.
     *
     * @return a completed message (the caller owns it), or null: incomplete chunk (nothing read) or a chunk that
     *         did not complete its message (it was consumed, check {@code in.readerIndex()})
     */
    RtmpMessage readChunk(ByteBuf in, ByteBufAllocator alloc) {
        while (true) {
            int start = in.readerIndex();
            int consumed = tryReadChunk(in, alloc);
            if (consumed < 0) {
                in.readerIndex(start);
                return null;
            }
            if (completed != null) {
                RtmpMessage m = completed;
                completed = null;
                return m;
            }
            if (!in.isReadable()) {
                return null;
            }
        }
    }

    private RtmpMessage completed;

    /** @return -1 when the chunk is not complete yet, else 1 (and {@link #completed} set if a message ended) */
    private int tryReadChunk(ByteBuf in, ByteBufAllocator alloc) {
        if (!in.isReadable()) {
            return -1;
        }
        int first = in.readUnsignedByte();
        int fmt = first >>> 6;
        int csid = first & 0x3F;
        if (csid == 0) {
            if (!in.isReadable()) {
                return -1;
            }
            csid = 64 + in.readUnsignedByte();
        } else if (csid == 1) {
            if (in.readableBytes() < 2) {
                return -1;
            }
            csid = 64 + in.readUnsignedByte() + in.readUnsignedByte() * 256;
        }
        int headerSize = switch (fmt) {
            case 0 -> 11;
            case 1 -> 7;
            case 2 -> 3;
            default -> 0;
        };
        if (in.readableBytes() < headerSize) {
            return -1;
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null && fmt != 0) {
            throw new RtmpProtocolException("chunk of type " + fmt + " on chunk stream " + csid
                    + " which has had no type 0 header");
        }
        long tsField = 0;
        int length = 0;
        int typeId = 0;
        int streamId = 0;
        if (fmt <= 2) {
            tsField = in.readUnsignedMedium();
        }
        if (fmt <= 1) {
            length = in.readUnsignedMedium();
            typeId = in.readUnsignedByte();
        }
        if (fmt == 0) {
            streamId = in.readIntLE();
        }
        boolean extended = fmt <= 2 ? tsField == EXTENDED : cs.extended;
        if (extended) {
            if (in.readableBytes() < 4) {
                return -1;
            }
            long ext = in.readUnsignedInt();
            if (fmt <= 2) {
                tsField = ext;
            }
        }
        boolean continuation = fmt == 3 && cs.partial != null;
        int msgLength = fmt <= 1 ? length : cs.length;
        if (msgLength > maxMessageSize) {
            throw new RtmpProtocolException("message of " + msgLength + " bytes on chunk stream " + csid
                    + " exceeds the maximum of " + maxMessageSize);
        }
        if (fmt != 3 && cs != null && cs.partial != null) {
            throw new RtmpProtocolException("new message header on chunk stream " + csid + " while a message of "
                    + cs.length + " bytes is incomplete (" + cs.partial.readableBytes() + " received)");
        }
        int received = continuation ? cs.partial.readableBytes() : 0;
        int payload = Math.min(chunkSize, msgLength - received);
        if (in.readableBytes() < payload) {
            return -1;
        }
        // The whole chunk is here: commit.
        if (cs == null) {
            if (streams.size() >= maxChunkStreams * 4) {
                throw new RtmpProtocolException("more than " + maxChunkStreams * 4 + " chunk streams");
            }
            cs = new ChunkStream();
            streams.put(csid, cs);
        }
        if (!continuation) {
            switch (fmt) {
                case 0 -> {
                    cs.timestamp = tsField;
                    cs.delta = tsField;
                    cs.length = length;
                    cs.typeId = typeId;
                    cs.streamId = streamId;
                }
                case 1 -> {
                    cs.delta = tsField;
                    cs.timestamp = (cs.timestamp + tsField) & 0xFFFFFFFFL;
                    cs.length = length;
                    cs.typeId = typeId;
                }
                case 2 -> {
                    cs.delta = tsField;
                    cs.timestamp = (cs.timestamp + tsField) & 0xFFFFFFFFL;
                }
                default -> cs.timestamp = (cs.timestamp + cs.delta) & 0xFFFFFFFFL;
            }
            if (fmt <= 2) {
                cs.extended = extended;
            }
        }
        if (cs.length == 0) {
            // An empty message: complete at once, no payload.
            completed = finish(csid, cs, alloc.buffer(0, 0));
            return 1;
        }
        int chunksTotal = (cs.length + chunkSize - 1) / chunkSize;
        if (!continuation) {
            if (payload == cs.length) {
                completed = finish(csid, cs, in.readRetainedSlice(payload));
                return 1;
            }
            if (inProgress >= maxChunkStreams) {
                throw new RtmpProtocolException("more than " + maxChunkStreams
                        + " chunk streams with a message in progress");
            }
            inProgress++;
            cs.chunks = 0;
            cs.partial = chunksTotal <= MAX_ZERO_COPY_CHUNKS
                    ? alloc.compositeBuffer(MAX_ZERO_COPY_CHUNKS)
                    : alloc.buffer(Math.min(cs.length, 64 * 1024), cs.length);
        }
        append(cs, in, payload);
        if (cs.partial.readableBytes() == cs.length) {
            ByteBuf whole = cs.partial;
            cs.partial = null;
            inProgress--;
            completed = finish(csid, cs, whole);
        }
        return 1;
    }

    private static void append(ChunkStream cs, ByteBuf in, int payload) {
        cs.chunks++;
        if (cs.partial instanceof CompositeByteBuf composite) {
            composite.addComponent(true, in.readRetainedSlice(payload));
        } else {
            cs.partial.writeBytes(in, payload);
        }
    }

    private RtmpMessage finish(int csid, ChunkStream cs, ByteBuf payload) {
        RtmpMessage m = new RtmpMessage(csid, cs.typeId, cs.streamId, cs.timestamp, payload);
        if (cs.streamId == 0 || csid == MessageType.CSID_CONTROL) {
            try {
                applyControl(m);
            } catch (RuntimeException e) {
                m.release();
                throw e;
            }
        }
        return m;
    }

    /** Set Chunk Size and Abort take effect on the next chunk. */
    private void applyControl(RtmpMessage m) {
        ByteBuf p = m.payload();
        if (m.typeId() == MessageType.SET_CHUNK_SIZE) {
            if (p.readableBytes() < 4) {
                throw new RtmpProtocolException("Set Chunk Size of " + p.readableBytes() + " bytes");
            }
            long size = p.getUnsignedInt(p.readerIndex()) & 0x7FFFFFFFL;
            if (size < 1 || size > MAX_CHUNK_SIZE) {
                throw new RtmpProtocolException("chunk size " + size + " out of range 1..16777215");
            }
            chunkSize = (int) size;
        } else if (m.typeId() == MessageType.ABORT) {
            if (p.readableBytes() < 4) {
                throw new RtmpProtocolException("Abort of " + p.readableBytes() + " bytes");
            }
            long target = p.getUnsignedInt(p.readerIndex());
            ChunkStream cs = target <= Integer.MAX_VALUE ? streams.get((int) target) : null;
            if (cs != null && cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
                inProgress--;
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartials();
    }

    /** Releases every message in progress (the connection is gone or the decoder leaves the pipeline). */
    public void releasePartials() {
        for (ChunkStream cs : streams.values()) {
            if (cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
        }
        inProgress = 0;
    }
}
