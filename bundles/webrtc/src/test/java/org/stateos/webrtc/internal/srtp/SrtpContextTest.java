package org.stateos.webrtc.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpContextTest {
    private static final HexFormat HEX = HexFormat.of();

    // RFC 3711 B.3
    private static final byte[] B3_MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] B3_MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");

    // RFC 7714 16 and 17 (session key and salt given directly)
    private static final byte[] GCM_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = HEX.parseHex("517569642070726f2071756f");
    private static final String RTP = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    private static final String SRTP = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
    private static final String RTCP = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
    private static final String SRTCP = "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4";
    private static final String SRTCP_TAG_ONLY = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4";

    @Test
    void derivesRfc3711AppendixB3SessionKeys() {
        assertEquals("c61e7a93744f39ee10734afe3ff7a087",
                HEX.formatHex(SrtpKdf.derive(B3_MASTER_KEY, B3_MASTER_SALT, SrtpKdf.LABEL_RTP_ENCRYPTION, 16)));
        assertEquals("30cbbc08863d8c85d49db34a9ae1",
                HEX.formatHex(SrtpKdf.derive(B3_MASTER_KEY, B3_MASTER_SALT, SrtpKdf.LABEL_RTP_SALT, 14)));
        assertEquals("cebe321f6ff7716b6fd4ab49af256a156d38baa4",
                HEX.formatHex(SrtpKdf.derive(B3_MASTER_KEY, B3_MASTER_SALT, SrtpKdf.LABEL_RTP_AUTH, 20)));
    }

    @Test
    void protectsRfc7714Section16RtpVector() throws Exception {
        SrtpContext tx = SrtpContext.fromSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, null);
        ByteBuf p = packet(RTP, 16);
        try {
            tx.protectRtp(p);
            assertEquals(SRTP, ByteBufUtil.hexDump(p));
        } finally {
            p.release();
        }
    }

    @Test
    void unprotectsRfc7714Section16RtpVectorAndRefusesItsReplay() throws Exception {
        SrtpContext rx = SrtpContext.fromSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, null);
        ByteBuf p = packet(SRTP, 0);
        ByteBuf again = packet(SRTP, 0);
        try {
            rx.unprotectRtp(p);
            assertEquals(RTP, ByteBufUtil.hexDump(p));
            SrtpException e = assertThrows(SrtpException.class, () -> rx.unprotectRtp(again));
            assertTrue(e.getMessage().contains("replayed"), e.getMessage());
        } finally {
            p.release();
            again.release();
        }
    }

    @Test
    void unprotectsAndProtectsRfc7714Section17RtcpVectors() throws Exception {
        SrtpContext rx = SrtpContext.fromSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, null);
        ByteBuf p = packet(SRTCP, 0);
        ByteBuf tagOnly = packet(SRTCP_TAG_ONLY, 0);
        try {
            rx.unprotectRtcp(p);
            assertEquals(RTCP, ByteBufUtil.hexDump(p));
            SrtpContext rx2 = SrtpContext.fromSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, null);
            rx2.unprotectRtcp(tagOnly);
            assertEquals(RTCP, ByteBufUtil.hexDump(tagOnly));
        } finally {
            p.release();
            tagOnly.release();
        }
        // Our SRTCP index starts at 0 (RFC 3711 3.4); the vector uses index 0x5d4.
        SrtpContext tx = SrtpContext.fromSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, null);
        for (int i = 0; i < 0x5d4; i++) {
            ByteBuf scratch = packet(RTCP, 20);
            tx.protectRtcp(scratch);
            scratch.release();
        }
        ByteBuf q = packet(RTCP, 20);
        try {
            tx.protectRtcp(q);
            assertEquals(SRTCP, ByteBufUtil.hexDump(q));
        } finally {
            q.release();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripsRtpAcrossTheSequenceWrapWithRolloverCounter(SrtpProfile profile) throws Exception {
        byte[] key = new byte[profile.keyBytes];
        byte[] salt = new byte[profile.saltBytes];
        new Random(1).nextBytes(key);
        new Random(2).nextBytes(salt);
        SrtpContext tx = new SrtpContext(profile, key, salt);
        SrtpContext rx = new SrtpContext(profile, key, salt);
        int ssrc = 0xCAFEBABE;
        for (int n = 0; n < 6; n++) {
            int seq = (65533 + n) & 0xFFFF; // 65533, 65534, 65535, 0, 1, 2
            ByteBuf p = rtp(seq, ssrc, 1200, n);
            ByteBuf plain = p.copy();
            try {
                tx.protectRtp(p);
                assertEquals(plain.readableBytes() + profile.tagBytes, p.readableBytes());
                rx.unprotectRtp(p);
                assertEquals(ByteBufUtil.hexDump(plain), ByteBufUtil.hexDump(p), "packet " + seq);
            } finally {
                p.release();
                plain.release();
            }
        }
        assertEquals(1, tx.rolloverCounter(ssrc));
        assertEquals(1, rx.rolloverCounter(ssrc));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void acceptsReorderedPacketsOnceAndRefusesReplays(SrtpProfile profile) throws Exception {
        SrtpContext tx = new SrtpContext(profile, new byte[profile.keyBytes], new byte[profile.saltBytes]);
        SrtpContext rx = new SrtpContext(profile, new byte[profile.keyBytes], new byte[profile.saltBytes]);
        ByteBuf[] protectedPackets = new ByteBuf[5];
        for (int i = 0; i < 5; i++) {
            protectedPackets[i] = rtp(100 + i, 7, 50, i);
            tx.protectRtp(protectedPackets[i]);
        }
        try {
            for (int i : new int[] {0, 2, 1, 4, 3}) {
                ByteBuf copy = protectedPackets[i].copy();
                rx.unprotectRtp(copy);
                copy.release();
            }
            ByteBuf replay = protectedPackets[2].copy();
            assertThrows(SrtpException.class, () -> rx.unprotectRtp(replay));
            replay.release();
        } finally {
            for (ByteBuf p : protectedPackets) {
                p.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void refusesTamperedPacketsAndLetsTheNextGenuineOneThrough(SrtpProfile profile) throws Exception {
        SrtpContext tx = new SrtpContext(profile, new byte[profile.keyBytes], new byte[profile.saltBytes]);
        SrtpContext rx = new SrtpContext(profile, new byte[profile.keyBytes], new byte[profile.saltBytes]);
        ByteBuf p = rtp(1, 7, 100, 0);
        tx.protectRtp(p);
        for (int at : new int[] {3, 20, p.readableBytes() - 1}) {
            ByteBuf bad = p.copy();
            bad.setByte(at, bad.getByte(at) ^ 0x01);
            SrtpException e = assertThrows(SrtpException.class, () -> rx.unprotectRtp(bad));
            assertTrue(e.getMessage().contains("tag mismatch"), e.getMessage());
            bad.release();
        }
        rx.unprotectRtp(p);
        p.release();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripsSrtcpAndRefusesReplayAndTamper(SrtpProfile profile) throws Exception {
        byte[] key = new byte[profile.keyBytes];
        byte[] salt = new byte[profile.saltBytes];
        key[0] = 9;
        SrtpContext tx = new SrtpContext(profile, key, salt);
        SrtpContext rx = new SrtpContext(profile, key, salt);
        for (int i = 0; i < 3; i++) {
            ByteBuf p = packet(RTCP, 20);
            tx.protectRtcp(p);
            assertEquals(RTCP.length() / 2 + profile.tagBytes + 4, p.readableBytes());
            assertTrue(p.getUnsignedByte(p.writerIndex() - (profile.aead() ? 4 : 14)) >= 0x80, "E bit set");
            ByteBuf replay = p.copy();
            ByteBuf tampered = p.copy();
            tampered.setByte(10, tampered.getByte(10) ^ 0x40);
            try {
                assertThrows(SrtpException.class, () -> rx.unprotectRtcp(tampered));
                rx.unprotectRtcp(p);
                assertEquals(RTCP, ByteBufUtil.hexDump(p));
                assertThrows(SrtpException.class, () -> rx.unprotectRtcp(replay));
            } finally {
                p.release();
                replay.release();
                tampered.release();
            }
        }
    }

    @Test
    void refusesTruncatedAndNonRtpInput() {
        SrtpContext rx = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[16], new byte[14]);
        for (String hex : new String[] {"", "80", "8000000100000002000000", "00000001000000020000000300000000000000000000",
                "9f000001000000020000000300", "9000000100000002000000030000ffff00000000000000000000"}) {
            ByteBuf p = packet(hex, 0);
            assertThrows(SrtpException.class, () -> rx.unprotectRtp(p), hex);
            assertThrows(SrtpException.class, () -> rx.unprotectRtcp(p), hex);
            p.release();
        }
    }

    @Test
    void splitsDtlsKeyingMaterialAsRfc5764Says() {
        byte[] m = new byte[SrtpProfile.AEAD_AES_128_GCM.keyingMaterialBytes()];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) i;
        }
        SrtpKeys k = SrtpKeys.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, m);
        assertArrayEquals(java.util.Arrays.copyOfRange(m, 0, 16), k.clientKey());
        assertArrayEquals(java.util.Arrays.copyOfRange(m, 16, 32), k.serverKey());
        assertArrayEquals(java.util.Arrays.copyOfRange(m, 32, 44), k.clientSalt());
        assertArrayEquals(java.util.Arrays.copyOfRange(m, 44, 56), k.serverSalt());
    }

    static ByteBuf packet(String hex, int headroom) {
        byte[] b = HEX.parseHex(hex);
        ByteBuf p = Unpooled.directBuffer(b.length + headroom);
        p.writeBytes(b);
        return p;
    }

    static ByteBuf rtp(int seq, int ssrc, int payload, int fill) {
        ByteBuf p = Unpooled.directBuffer(12 + payload + 16);
        p.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(ssrc);
        for (int i = 0; i < payload; i++) {
            p.writeByte(i + fill);
        }
        return p;
    }
}
