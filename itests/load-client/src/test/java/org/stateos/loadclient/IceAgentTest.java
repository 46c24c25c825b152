package org.stateos.loadclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.stun.StunIntegrity;
import org.stateos.webrtc.internal.stun.StunMessage;
import org.stateos.webrtc.internal.stun.StunWriter;

/** The viewer answers the server's own checks (Janus's libnice sends triggered checks even as ICE-lite). */
class IceAgentTest {
    final StunIntegrity integrity = new StunIntegrity();
    final InetSocketAddress server = new InetSocketAddress("10.255.0.1", 20873);

    @Test
    void answersAnAuthenticCheckFromTheServerWithItsMappedAddress() throws Exception {
        IceAgent agent = new IceAgent("mine", "mypasswordmypasswordmypa", "srvU", "serverpasswordserverpass", new SecureRandom());
        byte[] tid = new byte[12];
        tid[3] = 7;
        ByteBuf check = StunWriter.bindingRequest(UnpooledByteBufAllocator.DEFAULT, tid, "mine:srvU", 1234, false, 99,
                StunIntegrity.key("mypasswordmypasswordmypa"), integrity);
        ByteBuf reply = agent.answerRequest(check, server, integrity);
        try {
            assertNotNull(reply);
            StunMessage m = StunMessage.parse(reply);
            assertEquals(StunMessage.BINDING_SUCCESS, m.type());
            assertArrayEquals(tid, m.transactionId());
            assertTrue(integrity.integrityValid(reply, m, StunIntegrity.key("mypasswordmypasswordmypa")));
        } finally {
            check.release();
            if (reply != null) {
                reply.release();
            }
        }
    }

    @Test
    void ignoresChecksWithAnotherUfragOrPasswordAndResponses() {
        IceAgent agent = new IceAgent("mine", "mypasswordmypasswordmypa", "srvU", "serverpasswordserverpass", new SecureRandom());
        byte[] tid = new byte[12];
        ByteBuf wrongUser = StunWriter.bindingRequest(UnpooledByteBufAllocator.DEFAULT, tid, "other:srvU", 1, false, 9,
                StunIntegrity.key("mypasswordmypasswordmypa"), integrity);
        assertNull(agent.answerRequest(wrongUser, server, integrity));
        wrongUser.release();
        ByteBuf wrongKey = StunWriter.bindingRequest(UnpooledByteBufAllocator.DEFAULT, tid, "mine:srvU", 1, false, 9,
                StunIntegrity.key("notourpasswordnotourpass"), integrity);
        assertNull(agent.answerRequest(wrongKey, server, integrity));
        wrongKey.release();
        ByteBuf response = StunWriter.bindingSuccess(UnpooledByteBufAllocator.DEFAULT, tid, server,
                StunIntegrity.key("mypasswordmypasswordmypa"), integrity);
        assertNull(agent.answerRequest(response, server, integrity));
        response.release();
        IceAgent withoutPassword = new IceAgent("mine", "srvU", "serverpasswordserverpass", new SecureRandom());
        ByteBuf good = StunWriter.bindingRequest(UnpooledByteBufAllocator.DEFAULT, tid, "mine:srvU", 1, false, 9,
                StunIntegrity.key("mypasswordmypasswordmypa"), integrity);
        assertNull(withoutPassword.answerRequest(good, server, integrity), "no password given: checks are not answered");
        good.release();
    }
}
