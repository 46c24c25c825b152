package org.stateos.rtmp.internal;

import org.stateos.testsupport.LeakCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.rtmp.internal.amf.Amf0;
import org.stateos.rtmp.internal.chunk.HandshakeDecoder;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;
import org.stateos.rtmp.internal.session.ByteCounter;
import org.stateos.rtmp.internal.session.RtmpSession;
import org.stateos.rtmp.internal.session.SessionState;

/** The message layer alone, on an embedded channel: commands in, control and command messages out. */
class RtmpSessionTest {
    final RecordingMediaService media = new RecordingMediaService();
    RtmpSession session;
    EmbeddedChannel ch;

    void open(Set<String> allowed) {
        session = new RtmpSession(new RtmpSession.Context(media, "live", allowed, 4096, 2_500_000, () -> 42L),
                new ByteCounter(2_500_000));
        ch = new EmbeddedChannel(session);
        ch.pipeline().fireUserEventTriggered(HandshakeDecoder.COMPLETE);
    }

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        LeakCheck.assertNoLeaks();
    }

    void command(int streamId, Object... values) {
        ByteBuf p = Unpooled.buffer();
        Amf0.encode(p, values);
        ch.writeInbound(new RtmpMessage(3, MessageType.COMMAND_AMF0, streamId, 0, p));
        ch.runPendingTasks();
    }

    /** What the session sent: "type" for control messages, the command name and its values for commands. */
    List<List<Object>> sent() throws Exception {
        List<List<Object>> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof RtmpMessage m) {
                try {
                    if (m.typeId() == MessageType.COMMAND_AMF0) {
                        out.add(Amf0.decodeAll(m.payload(), Amf0.Limits.DEFAULT));
                    } else {
                        List<Object> control = new ArrayList<>();
                        control.add(MessageType.name(m.typeId()));
                        control.add(io.netty.buffer.ByteBufUtil.hexDump(m.payload()));
                        out.add(control);
                    }
                } finally {
                    m.release();
                }
            } else {
                io.netty.util.ReferenceCountUtil.release(o);
            }
        }
        return out;
    }

    static Map<?, ?> info(List<Object> command) {
        return (Map<?, ?>) command.get(3);
    }

    void connect() throws Exception {
        command(0, "connect", 1.0, Amf0.object("app", "live", "flashVer", "FMLE/3.0", "tcUrl", "rtmp://h/live"));
        List<List<Object>> out = sent();
        assertEquals(List.of("WindowAckSize", "002625a0"), out.get(0));
        assertEquals(List.of("SetPeerBandwidth", "002625a002"), out.get(1));
        assertEquals(List.of("SetChunkSize", "00001000"), out.get(2));
        assertEquals("_result", out.get(3).get(0));
        assertEquals(1.0, out.get(3).get(1));
        assertEquals("NetConnection.Connect.Success", info(out.get(3)).get("code"));
        assertEquals(SessionState.CONNECTED, session.state());
    }

    @Test
    void connectToAnotherApplicationIsRejectedAndClosed() throws Exception {
        open(Set.of());
        command(0, "connect", 1.0, Amf0.object("app", "vod"));
        List<List<Object>> out = sent();
        assertEquals("_error", out.get(0).get(0));
        assertEquals("NetConnection.Connect.Rejected", info(out.get(0)).get("code"));
        assertTrue(String.valueOf(info(out.get(0)).get("description")).contains("rtmp://<node>/live"));
        assertFalse(ch.isOpen());
    }

    @Test
    void obsAndFfmpegUrlFormsPublishTheSameName() throws Exception {
        open(Set.of());
        connect();
        command(0, "releaseStream", 2.0, Amf0.NULL, "cam1?token=x");
        command(0, "FCPublish", 3.0, Amf0.NULL, "cam1?token=x");
        command(0, "createStream", 4.0, Amf0.NULL);
        List<List<Object>> out = sent();
        assertEquals(List.of("_result", 4.0, Amf0.NULL, 1.0), out.get(2));
        command(1, "publish", 5.0, Amf0.NULL, "cam1?token=x", "live");
        out = sent();
        assertEquals(List.of("UserControl", "000000000001"), out.get(0)); // Stream Begin 1
        assertEquals("NetStream.Publish.Start", info(out.get(1)).get("code"));
        assertEquals("cam1", media.publications.get(0).name);
        assertEquals(SessionState.PUBLISHING, session.state());
        command(0, "FCUnpublish", 6.0, Amf0.NULL, "cam1");
        assertFalse(media.publications.get(0).open);
        assertEquals(SessionState.CONNECTED, session.state());
    }

    @Test
    void nameInTheApplicationPathWithAnEmptyKey() throws Exception {
        open(Set.of());
        command(0, "connect", 1.0, Amf0.object("app", "live/cam2"));
        command(0, "createStream", 2.0, Amf0.NULL);
        command(1, "publish", 3.0, Amf0.NULL, "", "live");
        assertEquals("cam2", media.publications.get(0).name);
        sent();
    }

    @Test
    void invalidNamesAndKeysOutsideTheListAreRefusedWithBadName() throws Exception {
        open(Set.of("allowed"));
        connect();
        command(1, "publish", 5.0, Amf0.NULL, "bad name!", "live");
        List<List<Object>> out = sent();
        assertEquals("NetStream.Publish.BadName", info(out.get(0)).get("code"));
        assertTrue(String.valueOf(info(out.get(0)).get("description")).contains("1..64 characters"));
        assertFalse(ch.isOpen());
        assertTrue(media.publications.isEmpty());
    }

    @Test
    void unknownCommandsWithATransactionIdGetAnError() throws Exception {
        open(Set.of());
        connect();
        command(0, "getFancy", 7.0, Amf0.NULL);
        command(0, "notifyWithoutAnswer", 0.0, Amf0.NULL);
        List<List<Object>> out = sent();
        assertEquals(1, out.size(), out.toString());
        assertEquals("_error", out.get(0).get(0));
        assertEquals(7.0, out.get(0).get(1));
        assertEquals("Method not found (getFancy)", info(out.get(0)).get("description"));
        assertTrue(ch.isOpen());
    }

    @Test
    void pingIsAnswered() throws Exception {
        open(Set.of());
        ch.writeInbound(new RtmpMessage(2, MessageType.USER_CONTROL, 0, 0,
                Unpooled.buffer().writeShort(MessageType.UC_PING_REQUEST).writeInt(12345)));
        assertEquals(List.of(List.of("UserControl", "000700003039")), sent());
    }

    @Test
    void commandsBeforeConnectCloseTheConnection() throws Exception {
        open(Set.of());
        command(0, "publish", 1.0, Amf0.NULL, "x");
        assertFalse(ch.isOpen());
        assertTrue(media.publications.isEmpty());
    }

    @Test
    void malformedVideoWhilePublishingFailsThePublicationWithAReason() throws Exception {
        open(Set.of());
        connect();
        command(1, "publish", 5.0, Amf0.NULL, "cam", "live");
        sent();
        // an AVC picture whose NAL length runs past its end
        ch.writeInbound(new RtmpMessage(6, MessageType.VIDEO, 1, 0,
                Unpooled.wrappedBuffer(new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 99, 0x65})));
        List<List<Object>> out = sent();
        assertEquals("NetStream.Publish.Failed", info(out.get(0)).get("code"));
        assertTrue(String.valueOf(info(out.get(0)).get("description")).contains("NAL unit of 99 bytes"));
        assertFalse(media.publications.get(0).open);
        assertFalse(ch.isOpen());
    }

    @Test
    void registryEndingThePublicationTellsThePublisherAndCloses() throws Exception {
        open(Set.of());
        connect();
        command(1, "publish", 5.0, Amf0.NULL, "cam", "live");
        sent();
        media.kick("cam", "kicked by the operator");
        ch.runPendingTasks();
        List<List<Object>> out = sent();
        assertEquals("NetStream.Unpublish.Success", info(out.get(0)).get("code"));
        assertEquals("kicked by the operator", info(out.get(0)).get("description"));
        assertFalse(ch.isOpen());
    }
}
