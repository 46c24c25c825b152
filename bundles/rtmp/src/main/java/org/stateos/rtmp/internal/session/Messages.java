package org.stateos.rtmp.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.stateos.rtmp.internal.amf.Amf0;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;

/** The messages this server sends. */
final class Messages {
    private Messages() {
    }

    static RtmpMessage windowAckSize(ByteBufAllocator alloc, int window) {
        return control(MessageType.WINDOW_ACK_SIZE, alloc.buffer(4).writeInt(window));
    }

    /** Set Peer Bandwidth with limit type 2 (dynamic). */
    static RtmpMessage setPeerBandwidth(ByteBufAllocator alloc, int window) {
        return control(MessageType.SET_PEER_BANDWIDTH, alloc.buffer(5).writeInt(window).writeByte(2));
    }

    static RtmpMessage setChunkSize(ByteBufAllocator alloc, int size) {
        return control(MessageType.SET_CHUNK_SIZE, alloc.buffer(4).writeInt(size));
    }

    static RtmpMessage userControl(ByteBufAllocator alloc, int event, int value) {
        return control(MessageType.USER_CONTROL, alloc.buffer(6).writeShort(event).writeInt(value));
    }

    static RtmpMessage command(ByteBufAllocator alloc, int messageStreamId, Object... values) {
        ByteBuf payload = alloc.buffer(256);
        Amf0.encode(payload, values);
        return new RtmpMessage(MessageType.CSID_COMMAND, MessageType.COMMAND_AMF0, messageStreamId, 0, payload);
    }

    private static RtmpMessage control(int type, ByteBuf payload) {
        return new RtmpMessage(MessageType.CSID_CONTROL, type, 0, 0, payload);
    }
}
