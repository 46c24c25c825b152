package org.stateos.rtmp.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;

class ByteCounterTest {

    @Test
    void acknowledgesEachWindowWithTheTotalReceived() {
        ByteCounter counter = new ByteCounter(1000);
        EmbeddedChannel ch = new EmbeddedChannel(counter);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[600]));
        assertNull(ch.readOutbound());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[600])); // 1200: one window passed
        RtmpMessage ack = ch.readOutbound();
        assertEquals(MessageType.ACKNOWLEDGEMENT, ack.typeId());
        assertEquals(1200, ack.payload().getInt(0));
        ack.release();
        counter.window(5000); // the peer's Window Acknowledgement Size
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[4000]));
        assertNull(ch.readOutbound(), "5200 - 1200 < 5000");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[1000]));
        ack = ch.readOutbound();
        assertEquals(6200, ack.payload().getInt(0));
        ack.release();
        assertEquals(6200, counter.bytesIn());
        for (Object o; (o = ch.readInbound()) != null;) {
            ((ByteBuf) o).release();
        }
        ch.finishAndReleaseAll();
    }
}
