package org.stateos.webrtc.internal.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StunMessageTest {
    private static final HexFormat HEX = HexFormat.of();
    /** RFC 5769 2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT). */
    static final String RFC5769_REQUEST = "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
            + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf";
    /** RFC 5769 2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
    static final String RFC5769_RESPONSE = "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
            + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96";
    static final SecretKeySpec RFC5769_KEY = StunIntegrity.key("VOkJxbRl1RmTxUk/WvJxBt");

    private final StunIntegrity integrity = new StunIntegrity();

    @Test
    void parsesAndVerifiesTheRfc5769SampleRequest() throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex(RFC5769_REQUEST));
        StunMessage m = StunMessage.parse(b);
        assertEquals(StunMessage.BINDING_REQUEST, m.type());
        assertTrue(m.isRequest());
        assertEquals("evtj:h6vY", m.username());
        assertEquals(0x6e0001ffL, m.priority());
        assertEquals(0x932ff9b151263b36L, m.iceControlled());
        assertEquals(null, m.iceControlling());
        assertFalse(m.useCandidate());
        assertTrue(integrity.integrityValid(b, m, RFC5769_KEY));
        assertTrue(integrity.fingerprintValid(b, m));
        assertFalse(integrity.integrityValid(b, m, StunIntegrity.key("wrong")));
        assertEquals(0, b.readerIndex(), "parse does not move the buffer");
    }

    @Test
    void parsesTheRfc5769SampleResponseAddress() throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex(RFC5769_RESPONSE));
        StunMessage m = StunMessage.parse(b);
        assertEquals(StunMessage.BINDING_SUCCESS, m.type());
        assertTrue(integrity.integrityValid(b, m, RFC5769_KEY));
        assertTrue(integrity.fingerprintValid(b, m));
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
                StunWriter.decodeXorMappedAddress(m.xorMappedAddress(), m.transactionId()));
    }

    @Test
    void everyFlippedBitBreaksIntegrityOrFingerprintOrParsing() throws Exception {
        byte[] good = HEX.parseHex(RFC5769_REQUEST);
        for (int i = 0; i < good.length; i++) {
            if (i == 100 || i == 101) {
                continue; // turns FINGERPRINT into an unknown optional attribute after MESSAGE-INTEGRITY: ignored, still authentic
            }
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            ByteBuf b = Unpooled.wrappedBuffer(bad);
            try {
                StunMessage m = StunMessage.parse(b);
                assertFalse(integrity.integrityValid(b, m, RFC5769_KEY) && integrity.fingerprintValid(b, m), "byte " + i);
            } catch (StunException expected) {
                // also fine
            }
        }
    }

    @Test
    void writesResponsesThatParseAndVerify() throws Exception {
        byte[] tid = HEX.parseHex("b7e7a701bc34d686fa87dfae");
        for (String host : new String[] {"192.0.2.1", "2001:db8:1234:5678:11:2233:4455:6677"}) {
            InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName(host), 32853);
            ByteBuf out = StunWriter.bindingSuccess(ByteBufAllocator.DEFAULT, tid, mapped, RFC5769_KEY, integrity);
            try {
                StunMessage m = StunMessage.parse(out);
                assertEquals(StunMessage.BINDING_SUCCESS, m.type());
                assertArrayEquals(tid, m.transactionId());
                assertTrue(integrity.integrityValid(out, m, RFC5769_KEY));
                assertTrue(integrity.fingerprintValid(out, m));
                assertEquals(mapped, StunWriter.decodeXorMappedAddress(m.xorMappedAddress(), tid));
            } finally {
                out.release();
            }
        }
        ByteBuf err = StunWriter.bindingError(ByteBufAllocator.DEFAULT, tid, 420, "Unknown Attribute", new int[] {0x7777},
                null, integrity);
        try {
            StunMessage m = StunMessage.parse(err);
            assertEquals(420, m.errorCode());
            assertFalse(m.hasIntegrity());
            assertTrue(integrity.fingerprintValid(err, m));
        } finally {
            err.release();
        }
    }

    @Test
    void refusesMalformedMessagesWithAReason() {
        String[] bad = {
            "", // empty
            "0001000021120000" + "000000000000000000000000", // no cookie
            "c0010000" + "2112a442" + "000000000000000000000000", // top bits set
            "00010004" + "2112a442" + "000000000000000000000000", // length beyond the data
            "00010003" + "2112a442" + "000000000000000000000000" + "000000", // not a multiple of 4
            "00010004" + "2112a442" + "000000000000000000000000" + "00060010", // attribute overruns
            "00010008" + "2112a442" + "000000000000000000000000" + "00240003aabbcc00", // PRIORITY of 3 bytes
            "0001000c" + "2112a442" + "000000000000000000000000" + "80280004aabbccdd" + "00250000", // after FINGERPRINT
            "00010008" + "2112a442" + "000000000000000000000000" + "00060004ff fe fd fc".replace(" ", ""), // not UTF-8
        };
        for (String hex : bad) {
            ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex(hex));
            StunException e = assertThrows(StunException.class, () -> StunMessage.parse(b), hex);
            assertFalse(e.getMessage().isBlank());
        }
        ByteBuf huge = Unpooled.buffer(2000).writeShort(1).writeShort(2000 - 20).writeInt(StunMessage.MAGIC_COOKIE).writeZero(2000 - 8);
        assertThrows(StunException.class, () -> StunMessage.parse(huge));
    }

    @Test
    void listsUnknownComprehensionRequiredAttributesAndSkipsOptionalOnes() throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex("00010010" + "2112a442" + "000000000000000000000000"
                + "7777000100000000" + "c0570004aabbccdd"));
        StunMessage m = StunMessage.parse(b);
        assertArrayEquals(new int[] {0x7777}, m.unknownRequired());
    }
}
