package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PeerTransport.sendRtpCopy's default: a copy with room for the SRTP trailer goes to sendRtp; the caller's stays. */
class PeerTransportDefaultsTest {
    @Test
    void defaultSendRtpCopyHandsACopyWithTrailerRoomAndKeepsTheOriginal() {
        List<ByteBuf> sent = new ArrayList<>();
        PeerTransport t = (PeerTransport) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PeerTransport.class}, (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals("sendRtp")) {
                        sent.add((ByteBuf) args[0]);
                    }
                    return null;
                });
        ByteBuf plain = Unpooled.directBuffer(64).writeBytes(new byte[] {(byte) 0x80, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9});
        String before = ByteBufUtil.hexDump(plain);
        t.sendRtpCopy(plain);
        assertEquals(1, sent.size());
        ByteBuf copy = sent.get(0);
        assertNotSame(plain, copy);
        assertEquals(before, ByteBufUtil.hexDump(copy));
        assertTrue(copy.maxWritableBytes() >= PeerTransport.SRTP_TRAILER_BYTES);
        assertTrue(copy.writableBytes() >= PeerTransport.SRTP_TRAILER_BYTES, "no regrowth for the tag");
        assertEquals(1, plain.refCnt(), "the caller keeps its reference");
        copy.release();
        plain.release();
    }
}
