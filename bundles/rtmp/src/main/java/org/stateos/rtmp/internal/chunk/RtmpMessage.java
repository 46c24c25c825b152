package org.stateos.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTMP message, reassembled from its chunks (or to be split into chunks). Owns one reference to its payload.
 *
 * @see MessageType
 */
public final class RtmpMessage extends DefaultByteBufHolder {
    private final int chunkStreamId;
    private final int typeId;
    private final int streamId;
    private final long timestamp;

    /**
     * @param timestamp milliseconds, 32-bit unsigned (wraps after about 49.7 days)
     * @param payload   the message body; this message takes over the caller's reference
     */
    public RtmpMessage(int chunkStreamId, int typeId, int streamId, long timestamp, ByteBuf payload) {
        super(payload);
        this.chunkStreamId = chunkStreamId;
        this.typeId = typeId;
        this.streamId = streamId;
        this.timestamp = timestamp & 0xFFFFFFFFL;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public int typeId() {
        return typeId;
    }

    public int streamId() {
        return streamId;
    }

    public long timestamp() {
        return timestamp;
    }

    public ByteBuf payload() {
        return content();
    }

    @Override
    public RtmpMessage replace(ByteBuf content) {
        return new RtmpMessage(chunkStreamId, typeId, streamId, timestamp, content);
    }

    @Override
    public RtmpMessage retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public RtmpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public RtmpMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "RtmpMessage[csid=" + chunkStreamId + ", " + MessageType.name(typeId) + ", stream=" + streamId + ", ts="
                + timestamp + ", " + content().readableBytes() + " B]";
    }
}
