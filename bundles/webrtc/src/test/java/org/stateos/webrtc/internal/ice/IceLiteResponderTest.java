package org.stateos.webrtc.internal.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.stun.StunIntegrity;
import org.stateos.webrtc.internal.stun.StunMessage;
import org.stateos.webrtc.internal.stun.StunWriter;

class IceLiteResponderTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 50000);
    private final IceCredentials cred = IceCredentials.fresh(new SecureRandom(), "peer", "peerpassword0123456789");
    private final Map<String, IceCredentials> sessions = Map.of(cred.localUfrag(), cred);
    private final IceLiteResponder<IceCredentials> responder = new IceLiteResponder<>(sessions::get, Function.identity());
    private final StunIntegrity integrity = new StunIntegrity();

    @Test
    void answersAValidCheckWithASignedSuccessAndReportsNomination() throws Exception {
        BindingOutcome<IceCredentials> o = answer(request(cred.expectedUsername(), true, cred.localPwd()));
        try {
            assertTrue(o.valid());
            assertSame(cred, o.session());
            assertTrue(o.nominate());
            StunMessage m = StunMessage.parse(o.response());
            assertEquals(StunMessage.BINDING_SUCCESS, m.type());
            assertTrue(integrity.integrityValid(o.response(), m, cred.localKey()));
            assertEquals(PEER, StunWriter.decodeXorMappedAddress(m.xorMappedAddress(), m.transactionId()));
        } finally {
            o.response().release();
        }
    }

    @Test
    void answers401ForUnknownUfragWrongPasswordOrWrongRemoteUfrag() throws Exception {
        for (ByteBuf req : new ByteBuf[] {
            request("nobody:peer", false, cred.localPwd()),
            request(cred.expectedUsername(), false, "notthepassword0123456789"),
            request(cred.localUfrag() + ":other", false, cred.localPwd())}) {
            assertError(answer(req), 401, false);
        }
    }

    @Test
    void answers400WithoutUsernameOrIntegrity() throws Exception {
        ByteBuf noIntegrity = StunWriter.bindingRequest(ByteBufAllocator.DEFAULT, new byte[12], cred.expectedUsername(), 1,
                false, 1, null, integrity);
        assertError(answer(noIntegrity), 400, false);
        ByteBuf noColon = request("justoneufrag", false, cred.localPwd());
        assertError(answer(noColon), 400, false);
    }

    @Test
    void answers487WhenThePeerAlsoClaimsTheControlledRole() throws Exception {
        // RFC 5769's sample request carries ICE-CONTROLLED; sign it as if for our session.
        ByteBuf req = Unpooled.buffer();
        req.writeShort(1).writeShort(0).writeInt(StunMessage.MAGIC_COOKIE).writeZero(12);
        byte[] user = cred.expectedUsername().getBytes();
        req.writeShort(StunMessage.ATTR_USERNAME).writeShort(user.length).writeBytes(user).writeZero((4 - user.length % 4) % 4);
        req.writeShort(StunMessage.ATTR_PRIORITY).writeShort(4).writeInt(5);
        req.writeShort(StunMessage.ATTR_ICE_CONTROLLED).writeShort(8).writeLong(42);
        int mi = req.writerIndex();
        req.writeShort(StunMessage.ATTR_MESSAGE_INTEGRITY).writeShort(20).writeZero(20);
        req.setShort(2, req.writerIndex() - 20);
        integrity.writeIntegrity(req, 0, mi, cred.localKey(), mi + 4);
        assertError(answer(req), 487, true);
    }

    @Test
    void dropsResponsesIndicationsAndGarbageWithoutAnswering() {
        ByteBuf indication = Unpooled.buffer().writeShort(StunMessage.BINDING_INDICATION).writeShort(0)
                .writeInt(StunMessage.MAGIC_COOKIE).writeZero(12);
        BindingOutcome<IceCredentials> o = answer(indication);
        assertNull(o.response());
        assertFalse(o.valid());
        BindingOutcome<IceCredentials> g = answer(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0}));
        assertNull(g.response());
        assertTrue(g.dropReason().startsWith("malformed STUN"));
    }

    private ByteBuf request(String username, boolean useCandidate, String pwd) {
        byte[] tid = new byte[12];
        new SecureRandom().nextBytes(tid);
        return StunWriter.bindingRequest(ByteBufAllocator.DEFAULT, tid, username, 0x7e7f00ff, useCandidate,
                0x0102030405060708L, StunIntegrity.key(pwd), integrity);
    }

    private BindingOutcome<IceCredentials> answer(ByteBuf req) {
        try {
            return responder.answer(req, PEER, ByteBufAllocator.DEFAULT);
        } finally {
            req.release();
        }
    }

    private void assertError(BindingOutcome<IceCredentials> o, int code, boolean signed) throws Exception {
        try {
            assertFalse(o.valid());
            StunMessage m = StunMessage.parse(o.response());
            assertEquals(StunMessage.BINDING_ERROR, m.type());
            assertEquals(code, m.errorCode());
            assertEquals(signed, m.hasIntegrity());
            assertTrue(integrity.fingerprintValid(o.response(), m));
        } finally {
            o.response().release();
        }
    }
}
