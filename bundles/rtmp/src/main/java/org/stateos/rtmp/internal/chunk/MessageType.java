package org.stateos.rtmp.internal.chunk;

/** RTMP message type ids (RTMP specification 1.0, sections 5.4 and 7.1) and the chunk streams this server uses. */
public final class MessageType {
    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACKNOWLEDGEMENT = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA_AMF3 = 15;
    public static final int SHARED_OBJECT_AMF3 = 16;
    public static final int COMMAND_AMF3 = 17;
    public static final int DATA_AMF0 = 18;
    public static final int SHARED_OBJECT_AMF0 = 19;
    public static final int COMMAND_AMF0 = 20;
    public static final int AGGREGATE = 22;

    /** User control event types (section 7.1.7). */
    public static final int UC_STREAM_BEGIN = 0;
    public static final int UC_STREAM_EOF = 1;
    public static final int UC_SET_BUFFER_LENGTH = 3;
    public static final int UC_PING_REQUEST = 6;
    public static final int UC_PING_RESPONSE = 7;

    /** Chunk stream for protocol control messages. */
    public static final int CSID_CONTROL = 2;
    /** Chunk stream for command messages this server sends. */
    public static final int CSID_COMMAND = 3;

    private MessageType() {
    }

    public static String name(int typeId) {
        return switch (typeId) {
            case SET_CHUNK_SIZE -> "SetChunkSize";
            case ABORT -> "Abort";
            case ACKNOWLEDGEMENT -> "Ack";
            case USER_CONTROL -> "UserControl";
            case WINDOW_ACK_SIZE -> "WindowAckSize";
            case SET_PEER_BANDWIDTH -> "SetPeerBandwidth";
            case AUDIO -> "Audio";
            case VIDEO -> "Video";
            case DATA_AMF3 -> "DataAMF3";
            case SHARED_OBJECT_AMF3 -> "SharedObjectAMF3";
            case COMMAND_AMF3 -> "CommandAMF3";
            case DATA_AMF0 -> "DataAMF0";
            case SHARED_OBJECT_AMF0 -> "SharedObjectAMF0";
            case COMMAND_AMF0 -> "CommandAMF0";
            case AGGREGATE -> "Aggregate";
            default -> "Type" + typeId;
        };
    }
}
