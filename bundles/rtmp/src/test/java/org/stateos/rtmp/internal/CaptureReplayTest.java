package org.stateos.rtmp.internal;

import org.stateos.testsupport.LeakCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Codec;
import org.stateos.rtmp.internal.amf.Amf0;
import org.stateos.rtmp.internal.chunk.ChunkDecoder;
import org.stateos.rtmp.internal.chunk.HandshakeDecoder;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;
import org.stateos.rtmp.internal.flv.AudioTag;
import org.stateos.rtmp.internal.flv.AudioTagParser;
import org.stateos.rtmp.internal.flv.VideoTag;
import org.stateos.rtmp.internal.flv.VideoTagParser;

/**
 * Captures what a real ffmpeg sends when it publishes (through a recording proxy in front of the real server) and
 * replays those bytes through each decoding layer on its own: handshake, chunk stream (whole, byte by byte and in
 * random pieces, which must all give the same messages), AMF0 commands and FLV tags.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaptureReplayTest {
    byte[] capture;

    @BeforeAll
    void capture(@TempDir Path dir) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("rtmp-capture-loop"));
        RecordingMediaService media = new RecordingMediaService();
        RtmpServer server = new RtmpServer(RtmpSettings.loopback(Set.of()), group, media);
        try {
            server.start();
            try (RecordingProxy proxy = new RecordingProxy(server.localAddress());
                    Ffmpeg ffmpeg = Ffmpeg.publish("rtmp://127.0.0.1:" + proxy.port() + "/live/test", 3, dir,
                            "-profile:v", "baseline")) {
                assertEquals(0, ffmpeg.awaitExit(60), ffmpeg.output());
                Await.until("the proxy saw the connection end", Duration.ofSeconds(10), proxy::finished, () -> "");
                capture = proxy.clientBytes();
            }
        } finally {
            server.close();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void leaks() {
        LeakCheck.assertNoLeaks();
    }

    /** Feeds the capture through handshake + chunk decoder in pieces of the given sizes. */
    List<RtmpMessage> replay(int[] pieces) {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder(0), new ChunkDecoder(8 * 1024 * 1024, 32));
        int pos = 0;
        for (int i = 0; pos < capture.length; i++) {
            int n = Math.min(pieces[i % pieces.length], capture.length - pos);
            ch.writeInbound(Unpooled.wrappedBuffer(capture, pos, n));
            pos += n;
        }
        List<RtmpMessage> out = new ArrayList<>();
        RtmpMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    static List<String> summary(List<RtmpMessage> messages) {
        List<String> out = new ArrayList<>();
        for (RtmpMessage m : messages) {
            CRC32 crc = new CRC32();
            crc.update(m.payload().nioBuffer());
            out.add(m.chunkStreamId() + "/" + m.typeId() + "/" + m.streamId() + "@" + m.timestamp() + " "
                    + m.payload().readableBytes() + " " + Long.toHexString(crc.getValue()));
            m.release();
        }
        return out;
    }

    @Test
    void sameMessagesWhateverTheBytesArriveIn() {
        List<String> whole = summary(replay(new int[] {capture.length}));
        assertTrue(whole.size() > 150, "messages: " + whole.size());
        assertEquals(whole, summary(replay(new int[] {1})), "byte by byte");
        Random random = new Random(42);
        int[] pieces = new int[97];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = 1 + random.nextInt(6000);
        }
        assertEquals(whole, summary(replay(pieces)), "random pieces");
    }

    @Test
    void ffmpegsCommandsDecode() throws Exception {
        List<String> names = new ArrayList<>();
        Map<?, ?> connect = null;
        Map<?, ?> metadata = null;
        for (RtmpMessage m : replay(new int[] {capture.length})) {
            try {
                if (m.typeId() == MessageType.COMMAND_AMF0) {
                    List<Object> v = Amf0.decodeAll(m.payload(), Amf0.Limits.DEFAULT);
                    names.add((String) v.get(0));
                    if ("connect".equals(v.get(0))) {
                        connect = (Map<?, ?>) v.get(2);
                    }
                } else if (m.typeId() == MessageType.DATA_AMF0) {
                    List<Object> v = Amf0.decodeAll(m.payload(), Amf0.Limits.DEFAULT);
                    assertEquals("@setDataFrame", v.get(0));
                    assertEquals("onMetaData", v.get(1));
                    metadata = (Map<?, ?>) v.get(2);
                }
            } finally {
                m.release();
            }
        }
        assertEquals(List.of("connect", "releaseStream", "FCPublish", "createStream", "publish", "FCUnpublish",
                "deleteStream"), names);
        assertEquals("live", connect.get("app"));
        assertTrue(String.valueOf(connect.get("tcUrl")).endsWith("/live"), String.valueOf(connect.get("tcUrl")));
        assertInstanceOf(Amf0.EcmaArray.class, metadata);
        assertEquals(320.0, metadata.get("width"));
        assertEquals(240.0, metadata.get("height"));
        assertEquals(25.0, metadata.get("framerate"));
    }

    @Test
    void ffmpegsFlvTagsParse() throws Exception {
        List<VideoTag> video = new ArrayList<>();
        List<AudioTag> audio = new ArrayList<>();
        for (RtmpMessage m : replay(new int[] {4096})) {
            try {
                ByteBuf p = m.payload();
                if (m.typeId() == MessageType.VIDEO) {
                    video.add(VideoTagParser.parse(p, 4));
                } else if (m.typeId() == MessageType.AUDIO) {
                    audio.add(AudioTagParser.parse(p));
                }
            } finally {
                m.release();
            }
        }
        VideoTag.Config config = assertInstanceOf(VideoTag.Config.class, video.get(0));
        assertEquals(Codec.H264, config.codec());
        assertEquals(320, config.width());
        assertEquals(240, config.height());
        assertEquals(4, config.nalLengthSize());
        List<VideoTag.Coded> pictures = video.stream().filter(VideoTag.Coded.class::isInstance)
                .map(VideoTag.Coded.class::cast).toList();
        assertTrue(pictures.size() >= 70, "pictures: " + pictures.size());
        for (int i = 0; i < pictures.size(); i++) {
            assertEquals(i % 25 == 0, pictures.get(i).keyframe(), "keyframe flag of picture " + i);
            assertEquals(0, pictures.get(i).compositionTime());
        }
        assertInstanceOf(VideoTag.EndOfSequence.class, video.get(video.size() - 1));
        AudioTag.Config asc = assertInstanceOf(AudioTag.Config.class, audio.get(0));
        assertEquals(44100, asc.sampleRate());
        assertEquals(1, asc.channels());
        assertTrue(audio.stream().filter(AudioTag.Coded.class::isInstance).count() > 100);
    }
}
