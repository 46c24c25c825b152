package org.stateos.webrtc.internal.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpParserTest {

    /** Chrome's usual compound: RR (one block) + SDES CNAME, then a NACK and a PLI and a REMB. */
    static ByteBuf browserFeedback() {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x81).writeByte(201).writeShort(7).writeInt(0xAAAA); // RR, 1 block
        b.writeInt(0x1234).writeInt(0x05000003).writeInt(70_000).writeInt(12).writeInt(0).writeInt(0);
        b.writeByte(0x81).writeByte(202).writeShort(3).writeInt(0xAAAA); // SDES: CNAME "abcd" + END + pad
        b.writeByte(1).writeByte(4).writeBytes("abcd".getBytes()).writeByte(0).writeByte(0);
        b.writeByte(0x81).writeByte(205).writeShort(3).writeInt(0xAAAA).writeInt(0x1234); // NACK
        b.writeShort(65_535).writeShort(0b101);
        b.writeByte(0x81).writeByte(206).writeShort(2).writeInt(0xAAAA).writeInt(0x1234); // PLI
        b.writeByte(0x8f).writeByte(206).writeShort(5).writeInt(0xAAAA).writeInt(0); // REMB
        b.writeBytes("REMB".getBytes()).writeInt(0x01000000).writeInt(0x1234);
        return b;
    }

    @Test
    void parsesACompoundPacketFromABrowser() throws RtcpException {
        ByteBuf b = browserFeedback();
        List<RtcpPacket> p = RtcpParser.parse(b);
        assertEquals(5, p.size());
        RtcpPacket.ReceiverReport rr = assertInstanceOf(RtcpPacket.ReceiverReport.class, p.get(0));
        assertEquals(5, rr.reports().get(0).fractionLost());
        assertEquals(3, rr.reports().get(0).cumulativeLost());
        assertEquals("abcd", assertInstanceOf(RtcpPacket.SourceDescription.class, p.get(1)).chunks().get(0).cname());
        RtcpPacket.Nack nack = assertInstanceOf(RtcpPacket.Nack.class, p.get(2));
        assertEquals(0x1234, nack.mediaSsrc());
        assertEquals(List.of(65_535, 0, 2), nack.lost(), "PID then the BLP bits, wrapping");
        assertEquals(0x1234, assertInstanceOf(RtcpPacket.Pli.class, p.get(3)).mediaSsrc());
        assertEquals(15, assertInstanceOf(RtcpPacket.Ignored.class, p.get(4)).format());
        assertEquals(0, b.readerIndex());
        b.release();
    }

    @Test
    void parsesFirAndByeAndOwnSenderReport() throws RtcpException {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x84).writeByte(206).writeShort(4).writeInt(1).writeInt(0).writeInt(0x1234).writeInt(0x07000000);
        b.writeByte(0x81).writeByte(203).writeShort(2).writeInt(0x1234).writeByte(3).writeBytes("bye".getBytes());
        List<RtcpPacket> p = RtcpParser.parse(b);
        assertEquals(List.of(new RtcpPacket.Fir.Entry(0x1234, 7)), assertInstanceOf(RtcpPacket.Fir.class, p.get(0)).entries());
        assertEquals("bye", assertInstanceOf(RtcpPacket.Bye.class, p.get(1)).reason());
        b.release();

        ByteBuf sr = Unpooled.buffer();
        long ntp = RtcpWriter.ntp(1_700_000_000_123_456L);
        RtcpWriter.senderReport(sr, 0x55, ntp, 12345, 10, 1000);
        RtcpWriter.sdesCname(sr, 0x55, "stateos-abc");
        assertEquals(RtcpWriter.SR_BYTES + RtcpWriter.sdesBytes("stateos-abc"), sr.readableBytes());
        List<RtcpPacket> back = RtcpParser.parse(sr);
        RtcpPacket.SenderReport s = assertInstanceOf(RtcpPacket.SenderReport.class, back.get(0));
        assertEquals(ntp, s.ntpTimestamp());
        assertEquals(12345, s.rtpTimestamp());
        assertEquals(10, s.packets());
        assertEquals("stateos-abc", assertInstanceOf(RtcpPacket.SourceDescription.class, back.get(1)).chunks().get(0).cname());
        assertTrue(Math.abs(RtcpWriter.unixMicros(ntp) - 1_700_000_000_123_456L) <= 1);
        assertEquals(RtcpWriter.NTP_UNIX_OFFSET_SECONDS + 1_700_000_000L, ntp >>> 32);
        sr.release();
    }

    @Test
    void refusesMalformedPackets() {
        assertReason(Unpooled.buffer().writeShort(0x8000), "shorter than a header");
        assertReason(Unpooled.buffer().writeInt(0x40c90000), "version 1");
        assertReason(Unpooled.buffer().writeByte(0x80).writeByte(201).writeShort(10).writeInt(1), "says 44 bytes, 8 are left");
        assertReason(Unpooled.buffer().writeByte(0x82).writeByte(201).writeShort(1).writeInt(1), "RR with 2 report blocks");
        assertReason(Unpooled.buffer().writeByte(0xa0).writeByte(201).writeShort(1).writeInt(0x000000ff), "padding");
        assertReason(Unpooled.buffer().writeByte(0x81).writeByte(205).writeShort(2).writeInt(1).writeInt(2), "generic NACK");
        assertReason(Unpooled.buffer().writeByte(0x81).writeByte(202).writeShort(2).writeInt(1).writeByte(1).writeByte(9)
                .writeShort(0), "SDES item of type 1");
        assertReason(Unpooled.buffer().writeByte(0x80).writeByte(201).writeShort(1).writeInt(1).writeShort(7), "trailing 2 bytes");
        ByteBuf many = Unpooled.buffer();
        for (int i = 0; i < 65; i++) {
            many.writeByte(0x80).writeByte(201).writeShort(1).writeInt(i);
        }
        assertReason(many, "more than 64 packets");
    }

    @Test
    void boundsTheNumberOfNackedPackets() {
        ByteBuf b = Unpooled.buffer();
        int items = RtcpParser.MAX_NACKED / 17 + 1;
        b.writeByte(0x81).writeByte(205).writeShort(2 + items).writeInt(1).writeInt(2);
        for (int i = 0; i < items; i++) {
            b.writeShort(i * 17).writeShort(0xffff);
        }
        assertReason(b, "more than 2048");
    }

    private static void assertReason(ByteBuf b, String reason) {
        RtcpException e = assertThrows(RtcpException.class, () -> RtcpParser.parse(b));
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' does not say '" + reason + "'");
        b.release();
    }
}
