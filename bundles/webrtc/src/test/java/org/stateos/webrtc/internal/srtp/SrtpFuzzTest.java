package org.stateos.webrtc.internal.srtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the receive path: SRTP and SRTCP unprotect for both profiles on arbitrary datagrams. Each either
 * succeeds (then the packet is exactly the trailer shorter) or throws {@link SrtpException}; nothing else, no
 * read outside the packet, no leak. The seeds are genuine protected packets, so mutations reach the tag checks.
 * <pre>
 * mvn test -pl bundles/webrtc -Pfuzz -Dfuzz.target=SrtpFuzzTest#unprotect -Dfuzz.seconds=600
 * </pre>
 */
class SrtpFuzzTest {
    static final byte[] KEY = new byte[16];
    static final byte[] CM_SALT = new byte[14];
    static final byte[] GCM_SALT = new byte[12];

    static SrtpContext context(SrtpProfile p) {
        return new SrtpContext(p, KEY, p.aead() ? GCM_SALT : CM_SALT);
    }

    static Stream<byte[]> seeds() throws SrtpException {
        List<byte[]> out = new ArrayList<>();
        for (SrtpProfile p : SrtpProfile.values()) {
            SrtpContext tx = context(p);
            ByteBuf rtp = SrtpContextTest.rtp(7, 0x01020304, 40, 0);
            tx.protectRtp(rtp);
            out.add(ByteBufUtil.getBytes(rtp));
            rtp.release();
            ByteBuf rtcp = Unpooled.buffer().writeBytes(new byte[] {(byte) 0x81, (byte) 201, 0, 7, 1, 2, 3, 4})
                    .writeZero(24);
            tx.protectRtcp(rtcp);
            out.add(ByteBufUtil.getBytes(rtcp));
            rtcp.release();
        }
        out.add(new byte[0]);
        return out.stream();
    }

    @Timeout(60) // the first input also pays for installing Jazzer's agent
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void unprotect(byte[] data) {
        for (SrtpProfile p : SrtpProfile.values()) {
            SrtpContext rx = context(p);
            check(data, p, rx, false);
            check(data, p, rx, true);
        }
    }

    private static void check(byte[] data, SrtpProfile p, SrtpContext rx, boolean rtcp) {
        ByteBuf b = Unpooled.directBuffer(data.length);
        b.writeBytes(data);
        try {
            if (rtcp) {
                rx.unprotectRtcp(b);
            } else {
                rx.unprotectRtp(b);
            }
            int trailer = rtcp ? p.tagBytes + 4 : p.tagBytes;
            if (b.readableBytes() != data.length - trailer) {
                throw new IllegalStateException("unprotected length " + b.readableBytes() + " from " + data.length);
            }
        } catch (SrtpException expected) {
            // the only failure allowed
        } finally {
            b.release();
        }
    }
}
