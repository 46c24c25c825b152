package org.stateos.webrtc.internal.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.transport.PeerTransport;

class H264PacketizerTest {
    static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, (byte) 0xda, 0x01, 0x40, 0x16, (byte) 0xe8};
    static final byte[] PPS = {0x68, (byte) 0xce, 0x0f, (byte) 0xc8};

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final List<ByteBuf> packets = new ArrayList<>();

    @AfterEach
    void release() {
        packets.forEach(ByteBuf::release);
    }

    static byte[] nal(int header, int size, long seed) {
        byte[] n = new byte[size];
        new Random(seed).nextBytes(n);
        n[0] = (byte) header;
        return n;
    }

    static ByteBuf avcc(byte[]... nals) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] n : nals) {
            b.writeInt(n.length).writeBytes(n);
        }
        return b;
    }

    @Test
    void keyframeOf50KilobytesRoundTripsByteForByteWithParameterSetsFirst() {
        byte[] sei = nal(0x06, 30, 1);
        byte[] idr = nal(0x65, 50_000, 2);
        RtpStream stream = new RtpStream(0x1234, 106, 90_000, 100, 0);
        H264Packetizer packetizer = new H264Packetizer(1200);
        ByteBuf au = avcc(new byte[] {0x09, (byte) 0xf0}, sei, idr); // the AUD is not sent
        int n = packetizer.packetize(au, 4, List.of(SPS, PPS), stream, 9000, alloc, packets::add);
        assertEquals(packets.size(), n);
        assertEquals(0, au.readerIndex(), "input untouched");

        H264Depacketizer d = new H264Depacketizer();
        packets.forEach(d::add);
        assertFalse(d.inFragment());
        assertEquals(4, d.nals.size());
        assertArrayEquals(SPS, d.nals.get(0));
        assertArrayEquals(PPS, d.nals.get(1));
        assertArrayEquals(sei, d.nals.get(2));
        assertArrayEquals(idr, d.nals.get(3));
        assertEquals(24, packets.get(0).getByte(12) & 0x1f, "SPS and PPS travel in one STAP-A");
        assertEquals(2 + (int) Math.ceil((50_000 - 1) / 1198.0), packets.size());
        for (int i = 0; i < packets.size(); i++) {
            ByteBuf p = packets.get(i);
            assertTrue(p.readableBytes() <= 12 + 1200);
            assertTrue(p.writableBytes() >= PeerTransport.SRTP_TRAILER_BYTES, "room for the SRTP tag");
            assertEquals(0x80, p.getUnsignedByte(0));
            assertEquals(i == packets.size() - 1, (p.getByte(1) & 0x80) != 0, "marker only on the last packet");
            assertEquals(106, p.getByte(1) & 0x7f);
            assertEquals(100 + i, p.getUnsignedShort(2));
            assertEquals(9000, p.getInt(4));
            assertEquals(0x1234, p.getInt(8));
        }
        au.release();
    }

    @Test
    void smallNalsGoAsSingleNalPacketsWithoutParameterSetsOnDeltaFrames() {
        byte[] a = nal(0x41, 700, 3);
        byte[] b = nal(0x01, 1200, 4); // exactly the limit: still one packet
        RtpStream stream = new RtpStream(1, 96, 90_000, 0, 0);
        ByteBuf au = avcc(a, b);
        new H264Packetizer(1200).packetize(au, 4, List.of(), stream, 0, alloc, packets::add);
        assertEquals(2, packets.size());
        H264Depacketizer d = new H264Depacketizer();
        packets.forEach(d::add);
        assertArrayEquals(a, d.nals.get(0));
        assertArrayEquals(b, d.nals.get(1));
        assertFalse((packets.get(0).getByte(1) & 0x80) != 0);
        assertTrue((packets.get(1).getByte(1) & 0x80) != 0);
        au.release();
    }

    @Test
    void sequenceNumbersWrapAt16Bits() {
        RtpStream stream = new RtpStream(1, 96, 90_000, 0xfffe, 0);
        ByteBuf au = avcc(nal(0x41, 5000, 5));
        new H264Packetizer(1200).packetize(au, 4, List.of(), stream, 0, alloc, packets::add);
        int[] seqs = packets.stream().mapToInt(p -> p.getUnsignedShort(2)).toArray();
        assertArrayEquals(new int[] {0xfffe, 0xffff, 0, 1, 2}, seqs);
        au.release();
    }

    @Test
    void parameterSetsInBandAreNotRepeated() {
        RtpStream stream = new RtpStream(1, 96, 90_000, 0, 0);
        byte[] idr = nal(0x65, 100, 6);
        ByteBuf au = avcc(SPS, PPS, idr);
        new H264Packetizer(1200).packetize(au, 4, List.of(SPS, PPS), stream, 0, alloc, packets::add);
        H264Depacketizer d = new H264Depacketizer();
        packets.forEach(d::add);
        assertEquals(3, d.nals.size());
        au.release();
    }

    @Test
    void twoByteLengthPrefixesWork() {
        byte[] a = nal(0x41, 3000, 7);
        ByteBuf au = Unpooled.buffer().writeShort(a.length).writeBytes(a);
        new H264Packetizer(1200).packetize(au, 2, List.of(), new RtpStream(1, 96, 90_000, 0, 0), 0, alloc, packets::add);
        H264Depacketizer d = new H264Depacketizer();
        packets.forEach(d::add);
        assertArrayEquals(a, d.nals.get(0));
        au.release();
    }

    @Test
    void malformedAccessUnitsProduceNothing() {
        H264Packetizer p = new H264Packetizer(1200);
        RtpStream stream = new RtpStream(1, 96, 90_000, 0, 0);
        ByteBuf overrun = Unpooled.buffer().writeInt(1000).writeBytes(new byte[10]);
        ByteBuf truncatedPrefix = Unpooled.buffer().writeInt(2).writeBytes(new byte[] {0x41, 1}).writeShort(3);
        ByteBuf forbidden = avcc(new byte[] {(byte) 0xc1, 1});
        ByteBuf hugeLength = Unpooled.buffer().writeInt(0xffffffff).writeBytes(new byte[4]);
        for (ByteBuf bad : List.of(overrun, truncatedPrefix, forbidden, hugeLength)) {
            assertThrows(IllegalArgumentException.class, () -> p.packetize(bad, 4, List.of(SPS, PPS), stream, 0, alloc, packets::add));
            bad.release();
        }
        assertEquals(0, packets.size());
        assertEquals(0, stream.nextSequence(), "no sequence number used");
    }

    @Test
    void parsesTheAvcDecoderConfigurationRecord() {
        byte[] record = {1, 0x42, (byte) 0xc0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 9, 0x67, 0x42, (byte) 0xc0, 0x1f,
                (byte) 0xda, 0x01, 0x40, 0x16, (byte) 0xe8, 1, 0, 4, 0x68, (byte) 0xce, 0x0f, (byte) 0xc8};
        AvcDecoderConfig c = AvcDecoderConfig.parse(record);
        assertEquals(4, c.nalLengthSize());
        assertEquals("42c01f", c.profileLevelId());
        assertArrayEquals(SPS, c.sps().get(0));
        assertArrayEquals(PPS, c.pps().get(0));
        assertThrows(IllegalArgumentException.class, () -> AvcDecoderConfig.parse(java.util.Arrays.copyOf(record, 20)));
        byte[] lying = record.clone();
        lying[7] = (byte) 200; // SPS length beyond the record
        assertThrows(IllegalArgumentException.class, () -> AvcDecoderConfig.parse(lying));
    }

    @Test
    void timestampsRebaseOnDiscontinuityAndKeepSequence() {
        RtpStream s = new RtpStream(1, 96, 90_000, 0, 1000);
        assertEquals(1000 + 90_000, s.timestamp(90_000, false, 1_000_000));
        assertEquals(1000 + 93_000, s.timestamp(93_000, false, 1_033_333));
        // publisher takeover: its clock restarts at 0, 2 s of wall clock later
        int ts = s.timestamp(0, true, 3_033_333);
        assertEquals(1000 + 93_000 + 180_000, ts);
        assertEquals(ts + 3000, s.timestamp(3000, false, 3_066_666));
        RtpStream audio = new RtpStream(2, 111, 48_000, 0, 0);
        assertEquals(48_000, audio.timestamp(90_000, false, 0));
    }

    @Test
    void retransmitBufferReturnsRecentPacketsOnlyByReferenceToTheSharedPayloads() {
        RetransmitBuffer buffer = new RetransmitBuffer(16, 1000);
        PacketizedFrame f = new H264Packetizer(1200).payloads(avcc(nal(0x65, 30_000, 3)), 4, List.of());
        RtpStream stream = new RtpStream(1, 96, 90_000, 65_530, 0);
        byte[] header = new byte[12];
        for (int i = 0; i < 20; i++) {
            int seq = stream.nextHeader(header, f.length(i), f.marker(i), 7000 + i);
            buffer.store(seq, f, i, 7000 + i, 0);
        }
        assertEquals(16, buffer.size());
        RetransmitBuffer.Entry e = buffer.get((65_530 + 19) & 0xffff, 0);
        assertEquals(19, e.packet());
        assertEquals(7019, e.timestamp());
        assertEquals((65_530 + 19) & 0xffff, e.sequence());
        assertTrue(f == e.frame(), "a reference, not a copy");
        assertEquals(f.marker(19), e.marker());
        assertEquals(null, buffer.get(65_530, 0), "overwritten");
        assertEquals(null, buffer.get((65_530 + 19) & 0xffff, 2_000_000_000L), "too old");
        buffer.close();
        assertEquals(0, buffer.size());
    }

    @Test
    void sharedPayloadsWithAViewersHeaderAreTheBytesPacketizeMakes() {
        byte[] sei = nal(0x06, 30, 1);
        byte[] idr = nal(0x65, 20_000, 2);
        ByteBuf au = avcc(sei, idr);
        H264Packetizer packetizer = new H264Packetizer(1200);
        int n = packetizer.packetize(au, 4, List.of(SPS, PPS), new RtpStream(9, 96, 90_000, 40_000, 0), 1234, alloc, packets::add);
        PacketizedFrame f = packetizer.payloads(au, 4, List.of(SPS, PPS));
        assertEquals(n, f.count());
        RtpStream viewer = new RtpStream(9, 96, 90_000, 40_000, 0);
        byte[] header = new byte[12];
        int total = 0;
        for (int i = 0; i < n; i++) {
            viewer.nextHeader(header, f.length(i), f.marker(i), 1234);
            ByteBuf expected = packets.get(i);
            byte[] want = new byte[expected.readableBytes()];
            expected.getBytes(expected.readerIndex(), want);
            byte[] got = new byte[12 + f.length(i)];
            System.arraycopy(header, 0, got, 0, 12);
            System.arraycopy(f.data(), f.offset(i), got, 12, f.length(i));
            assertArrayEquals(want, got, "packet " + i);
            total += f.length(i);
        }
        assertEquals(total, f.payloadBytes());
        assertEquals(viewer.octets(), total);
        assertTrue(f.marker(n - 1));
        assertFalse(f.marker(0));
    }
}
