package org.stateos.rtmp.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.stateos.rtmp.internal.amf.Amf0;
import org.stateos.rtmp.internal.amf.AmfException;
import org.stateos.rtmp.internal.chunk.ChunkDecoder;
import org.stateos.rtmp.internal.chunk.HandshakeDecoder;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;

/** Decodes recorded RTMP byte streams with this bundle's own decoders. */
final class Captures {
    private Captures() {
    }

    /** The messages of one direction of a recorded connection, after its 1 + 2 x 1536 handshake bytes. */
    static List<RtmpMessage> messages(byte[] recorded) {
        int skip = 1 + 2 * HandshakeDecoder.PACKET_SIZE;
        if (recorded.length < skip) {
            return List.of();
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(16 * 1024 * 1024 - 1, 64));
        ch.writeInbound(Unpooled.wrappedBuffer(recorded, skip, recorded.length - skip));
        List<RtmpMessage> out = new ArrayList<>();
        RtmpMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    /** The AMF0 commands (name, transaction id, arguments) among what a server sent, messages released. */
    static List<List<Object>> commands(byte[] fromServer) throws AmfException {
        List<List<Object>> commands = new ArrayList<>();
        for (RtmpMessage m : messages(fromServer)) {
            try {
                if (m.typeId() == MessageType.COMMAND_AMF0) {
                    commands.add(Amf0.decodeAll(m.payload(), Amf0.Limits.DEFAULT));
                }
            } finally {
                m.release();
            }
        }
        return commands;
    }

    /** The onStatus infos (level, code, description maps) among commands. */
    @SuppressWarnings("unchecked")
    static List<java.util.Map<String, Object>> statuses(List<List<Object>> commands) {
        List<java.util.Map<String, Object>> out = new ArrayList<>();
        for (List<Object> c : commands) {
            if ("onStatus".equals(c.get(0)) && c.size() > 3 && c.get(3) instanceof java.util.Map<?, ?> info) {
                out.add((java.util.Map<String, Object>) info);
            }
        }
        return out;
    }
}
