package org.stateos.rtmp.internal.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class HandshakeDecoderTest {

    @Test
    void answersC1WithS0S1S2EchoingC1AndPassesBytesAfterC2On() {
        List<Object> events = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder(0), new ChunkDecoder(4096, 8),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        events.add(evt);
                    }
                });
        byte[] c1 = new byte[HandshakeDecoder.PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(c1);
        ByteBuf client = Unpooled.buffer();
        client.writeByte(3).writeBytes(c1).writeZero(HandshakeDecoder.PACKET_SIZE); // C0 C1 C2
        // and the first chunk right behind C2: Set Chunk Size 4096
        client.writeBytes(new byte[] {2, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 16, 0});
        // byte by byte
        while (client.isReadable()) {
            ch.writeInbound(client.readRetainedSlice(1));
        }
        client.release();
        ByteBuf s = ch.readOutbound();
        assertEquals(1 + 2 * HandshakeDecoder.PACKET_SIZE, s.readableBytes());
        assertEquals(3, s.getByte(0));
        assertEquals(0, s.getInt(5), "S1 version zero: plain handshake");
        assertArrayEquals(c1, ByteBufUtil.getBytes(s, 1 + HandshakeDecoder.PACKET_SIZE, HandshakeDecoder.PACKET_SIZE));
        s.release();
        assertEquals(List.of(HandshakeDecoder.COMPLETE), events);
        assertNull(ch.pipeline().get(HandshakeDecoder.class), "the decoder left the pipeline");
        RtmpMessage m = ch.readInbound();
        assertEquals(MessageType.SET_CHUNK_SIZE, m.typeId());
        m.release();
        assertEquals(4096, ch.pipeline().get(ChunkDecoder.class).chunkSize());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void refusesRtmpe() {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder(0));
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(
                new byte[] {6, 0, 0})));
        assertEquals("RTMP handshake version 6 not supported (RTMPE encryption); only 3", e.getMessage());
        ch.finishAndReleaseAll();
    }

    @Test
    void closesWhenTheHandshakeTakesTooLong() throws InterruptedException {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder(50));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0}));
        long end = System.nanoTime() + 5_000_000_000L;
        while (ch.isOpen() && System.nanoTime() < end) {
            Thread.sleep(10);
            ch.runPendingTasks();
        }
        assertFalse(ch.isOpen(), "closed after the handshake timeout");
        assertTrue(ch.finishAndReleaseAll() || true);
    }
}
