package org.stateos.webrtc.internal.udp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the RFC 7983 demultiplexer in a channel: every datagram goes to exactly the target its first byte names
 * (0..3 STUN, 20..63 DTLS, 128..191 RTP/RTCP by packet type, the rest dropped) and is released afterwards.
 * <pre>
 * mvn test -pl bundles/webrtc -Pfuzz -Dfuzz.target=DatagramDemuxFuzzTest#demultiplex -Dfuzz.seconds=600
 * </pre>
 */
class DatagramDemuxFuzzTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 5000);

    static Stream<byte[]> seeds() {
        return Stream.of(new byte[0], new byte[] {0, 1}, new byte[] {22, (byte) 0xfe}, new byte[] {(byte) 0x80, 96},
                new byte[] {(byte) 0x81, (byte) 200}, new byte[] {64});
    }

    @Timeout(60)
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void demultiplex(byte[] data) {
        PacketKind[] seen = new PacketKind[1];
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDemux(new DemuxTarget() {
            @Override
            public void onStun(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender) {
                seen[0] = PacketKind.STUN;
            }

            @Override
            public void onDtls(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender) {
                seen[0] = PacketKind.DTLS;
            }

            @Override
            public void onSrtp(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender, boolean rtcp) {
                seen[0] = rtcp ? PacketKind.RTCP : PacketKind.RTP;
            }

            @Override
            public void onUnknown(ByteBuf content, InetSocketAddress sender) {
                seen[0] = PacketKind.UNKNOWN;
            }
        }));
        ByteBuf content = Unpooled.directBuffer(Math.max(1, data.length)).writeBytes(data);
        ch.writeInbound(new DatagramPacket(content, PEER, PEER));
        ch.finishAndReleaseAll();
        if (content.refCnt() != 0) {
            throw new IllegalStateException("datagram not released");
        }
        PacketKind expected;
        int b = data.length == 0 ? -1 : data[0] & 0xFF;
        if (b < 0) {
            expected = PacketKind.UNKNOWN;
        } else if (b <= 3) {
            expected = PacketKind.STUN;
        } else if (b >= 20 && b <= 63) {
            expected = PacketKind.DTLS;
        } else if (b >= 128 && b <= 191 && data.length >= 2) {
            int pt = data[1] & 0xFF;
            expected = pt >= 192 && pt <= 223 ? PacketKind.RTCP : PacketKind.RTP;
        } else {
            expected = PacketKind.UNKNOWN;
        }
        if (seen[0] != expected) {
            throw new IllegalStateException("first byte " + b + " went to " + seen[0] + ", expected " + expected);
        }
    }
}
