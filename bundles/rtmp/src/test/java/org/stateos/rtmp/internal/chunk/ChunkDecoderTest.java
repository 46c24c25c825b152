package org.stateos.rtmp.internal.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkDecoderTest {

    static List<RtmpMessage> decode(byte[] bytes, int pieceSize) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20, 8));
        for (int i = 0; i < bytes.length; i += pieceSize) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(pieceSize, bytes.length - i)));
        }
        List<RtmpMessage> out = new ArrayList<>();
        RtmpMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    static String describe(List<RtmpMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (RtmpMessage m : messages) {
            sb.append(m.chunkStreamId()).append('/').append(m.typeId()).append('/').append(m.streamId()).append('@')
                    .append(m.timestamp()).append(':').append(ByteBufUtil.hexDump(m.payload())).append('\n');
            m.release();
        }
        return sb.toString();
    }

    @Test
    void decodesEveryHeaderTypeExtendedTimestampsAndChunkSizeChanges() {
        String expected = ""
                + "2/1/0@0:00000010\n"
                + "3/20/0@0:020007636f6e6e656374\n"
                + "6/9/1@1000:" + "17".repeat(16) + "01".repeat(16) + "02".repeat(8) + "\n"
                + "4/8/1@268435440:afafaf\n" // type 0 with an extended timestamp (0xFFFFFF0)
                + "4/8/1@268435463:afafafafaf\n" // type 1: +23
                + "4/8/1@268435486:aeaeaeaeae\n" // type 2: +23
                + "4/8/1@268435509:adadadadad\n" // type 3, a new message: the last delta again
                + "70/18/1@5:" + "05".repeat(20) + "\n" // two-byte basic header, split over two chunks
                + "400/4/0@5:\n" // three-byte basic header, empty message
                + "2/2/0@0:00000006\n";
        byte[] sample = ChunkBytes.sample();
        // whole, byte by byte and in odd pieces: the same messages
        assertEquals(expected, describe(decode(sample, sample.length)));
        assertEquals(expected, describe(decode(sample, 1)));
        assertEquals(expected, describe(decode(sample, 7)));
    }

    @Test
    void typeThreeContinuationRepeatsTheExtendedTimestamp() {
        ChunkBytes b = new ChunkBytes();
        b.type0(5, 0x1000000L, 200, MessageType.VIDEO, 1).bytes(128, 1).type3(5).u32(0x1000000L).bytes(72, 2);
        List<RtmpMessage> out = decode(b.toByteArray(), 3);
        assertEquals(1, out.size());
        assertEquals(0x1000000L, out.get(0).timestamp());
        assertEquals(200, out.get(0).payload().readableBytes());
        out.forEach(RtmpMessage::release);
    }

    @Test
    void timestampArithmeticWrapsAt32Bits() {
        ChunkBytes b = new ChunkBytes();
        b.type0(4, 0xFFFFFFF0L, 1, MessageType.AUDIO, 1).u8(0xAF);
        b.type2(4, 0x20).u8(0xAF);
        List<RtmpMessage> out = decode(b.toByteArray(), 100);
        assertEquals(0x10L, out.get(1).timestamp());
        out.forEach(RtmpMessage::release);
    }

    @Test
    void abortDropsTheMessageInProgress() {
        ChunkBytes b = new ChunkBytes();
        b.type0(6, 0, 300, MessageType.VIDEO, 1).bytes(128, 1); // 128 of 300 bytes
        b.type0(2, 0, 4, MessageType.ABORT, 0).u32(6);
        b.type0(6, 40, 3, MessageType.VIDEO, 1).bytes(3, 9); // a new message on the same chunk stream
        List<RtmpMessage> out = decode(b.toByteArray(), 50);
        assertEquals("2/2/0@0:00000006\n6/9/1@40:090909\n", describe(out));
    }

    @Test
    void messageOverTheMaximumClosesWithAClearError() {
        ChunkBytes b = new ChunkBytes();
        b.type0(6, 0, 0xFFFFFF, MessageType.VIDEO, 1);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(4096, 8));
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(b.toByteArray())));
        assertTrue(e instanceof RtmpProtocolException, e.toString());
        assertEquals("message of 16777215 bytes on chunk stream 6 exceeds the maximum of 4096", e.getMessage());
        ch.finishAndReleaseAll();
    }

    @Test
    void headerlessChunkOnAnUnknownStreamIsRefused() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(4096, 8));
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC5, 1, 2, 3})));
        assertTrue(e.getMessage().contains("chunk stream 5 which has had no type 0 header"), e.getMessage());
        ch.finishAndReleaseAll();
    }

    @Test
    void tooManyMessagesInProgressAreRefusedAndPartialsReleased() {
        ChunkBytes b = new ChunkBytes();
        for (int csid = 3; csid < 3 + 9; csid++) {
            b.type0(csid, 0, 1000, MessageType.VIDEO, 1).bytes(128, csid);
        }
        ByteBuf in = Unpooled.wrappedBuffer(b.toByteArray());
        in.retain();
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(4096, 8));
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(in));
        assertTrue(e.getMessage().contains("more than 8 chunk streams with a message in progress"), e.getMessage());
        ch.finishAndReleaseAll();
        assertTrue(in.release(), "the decoder let go of every slice of the input");
    }

    @Test
    void setChunkSizeOutOfRangeIsRefused() {
        ChunkBytes b = new ChunkBytes();
        b.type0(2, 0, 4, MessageType.SET_CHUNK_SIZE, 0).u32(0);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(4096, 8));
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(b.toByteArray())));
        assertEquals("chunk size 0 out of range 1..16777215", e.getMessage());
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void encoderOutputDecodesBack() {
        ByteBuf payload = Unpooled.buffer();
        for (int i = 0; i < 5000; i++) {
            payload.writeByte(i);
        }
        ByteBuf out = Unpooled.buffer();
        RtmpMessage m = new RtmpMessage(400, MessageType.VIDEO, 1, 0x12345678L, payload);
        ChunkEncoder.encode(m, out, 128);
        String expected = describe(List.of(m.retainedDuplicate()));
        m.release();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        assertEquals(expected, describe(decode(bytes, 333)));
    }
}
