package org.stateos.webrtc.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** protectRtp(plain, out): the same bytes as in place, the plain packet untouched, any buffer kind and size. */
class SrtpProtectCopyTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] GCM_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = HEX.parseHex("517569642070726f2071756f");
    private static final String RTP = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    private static final String SRTP = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";

    @Test
    void protectsRfc7714VectorIntoAnotherBufferAndLeavesThePlainPacket() throws Exception {
        SrtpContext tx = SrtpContext.fromSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, null);
        ByteBuf plain = SrtpContextTest.packet(RTP, 0);
        ByteBuf out = Unpooled.directBuffer(8);
        try {
            tx.protectRtp(plain, out);
            assertEquals(SRTP, ByteBufUtil.hexDump(out));
            assertEquals(RTP, ByteBufUtil.hexDump(plain), "plain packet unchanged");
        } finally {
            plain.release();
            out.release();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void copyAndInPlaceGiveTheSameBytesForHeapDirectAndLargePackets(SrtpProfile profile) throws Exception {
        Random random = new Random(7);
        SrtpContext[] contexts = contexts(profile, random, 3);
        SrtpContext inPlace = contexts[0];
        SrtpContext copying = contexts[1];
        SrtpContext receiver = contexts[2];
        int[] payloads = {0, 1, 1188, 1200, 4000, 9000, 20}; // 4000 and 9000 grow the scratch array
        for (int i = 0; i < payloads.length; i++) {
            ByteBuf plain = SrtpContextTest.rtp(30_000 + i, 0x1234, payloads[i], i);
            ByteBuf twin = i % 2 == 0 ? Unpooled.buffer() : Unpooled.directBuffer();
            twin.writeBytes(plain, plain.readerIndex(), plain.readableBytes());
            String before = ByteBufUtil.hexDump(plain);
            ByteBuf out = i % 2 == 0 ? Unpooled.directBuffer(16) : Unpooled.buffer(16);
            try {
                inPlace.protectRtp(twin);
                copying.protectRtp(plain, out);
                assertEquals(ByteBufUtil.hexDump(twin), ByteBufUtil.hexDump(out), profile + " payload " + payloads[i]);
                assertEquals(before, ByteBufUtil.hexDump(plain));
                receiver.unprotectRtp(out);
                assertEquals(before, ByteBufUtil.hexDump(out), "round trip");
            } finally {
                plain.release();
                twin.release();
                out.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void sharedPayloadWithOwnHeaderGivesTheSameBytesAsInPlaceAndLeavesTheArraysAlone(SrtpProfile profile) throws Exception {
        Random random = new Random(11);
        SrtpContext[] contexts = contexts(profile, random, 3);
        SrtpContext inPlace = contexts[0];
        SrtpContext shared = contexts[1];
        SrtpContext receiver = contexts[2];
        byte[] data = new byte[20_000];
        random.nextBytes(data);
        byte[] dataBefore = data.clone();
        int[] offsets = {0, 5, 1300, 7000, 19_999};
        int[] lengths = {1200, 0, 4000, 9000, 1};
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocateDirect(16_000);
        for (int i = 0; i < offsets.length; i++) {
            int seq = (65_534 + i) & 0xffff; // across the rollover
            byte[] header = new byte[12];
            org.stateos.webrtc.internal.rtp.RtpStream.writeHeader(header, 96, i == 2, seq, 90_000 * i, 0x4321);
            byte[] headerBefore = header.clone();
            ByteBuf twin = Unpooled.buffer();
            twin.writeBytes(header).writeBytes(data, offsets[i], lengths[i]);
            String plain = ByteBufUtil.hexDump(twin);
            out.clear();
            int n = shared.protectRtp(header, data, offsets[i], lengths[i], out);
            inPlace.protectRtp(twin);
            out.flip();
            assertEquals(n, out.remaining());
            ByteBuf got = Unpooled.buffer().writeBytes(out);
            try {
                assertEquals(ByteBufUtil.hexDump(twin), ByteBufUtil.hexDump(got), profile + " packet " + i);
                receiver.unprotectRtp(got);
                assertEquals(plain, ByteBufUtil.hexDump(got), "round trip");
            } finally {
                twin.release();
                got.release();
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(headerBefore, header);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(dataBefore, data, "shared payload array unchanged");
        java.nio.ByteBuffer small = java.nio.ByteBuffer.allocate(100);
        org.junit.jupiter.api.Assertions.assertThrows(SrtpException.class,
                () -> shared.protectRtp(new byte[12], data, 0, 1200, small), "bad version and too small an output");
    }

    /** {@code n} contexts with the same random key and salt: sender twins and their receiver. */
    private static SrtpContext[] contexts(SrtpProfile profile, Random random, int n) throws Exception {
        byte[] key = new byte[profile.keyBytes];
        byte[] salt = new byte[profile.saltBytes];
        random.nextBytes(key);
        random.nextBytes(salt);
        SrtpContext[] contexts = new SrtpContext[n];
        for (int i = 0; i < n; i++) {
            contexts[i] = new SrtpContext(profile, key, salt);
        }
        return contexts;
    }
}
