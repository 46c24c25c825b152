package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpProfile;

/** The fan-out's direct send path when the socket's send buffer is full (an overloaded link). */
class UdpSocketTest {
    private NioEventLoopGroup group;
    private WebRtcTransportServer server;
    private Channel channel;

    @BeforeEach
    void start() throws Exception {
        group = new NioEventLoopGroup(1);
        server = new WebRtcTransportServer(TransportSettings.defaults("127.0.0.1", 0), group);
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        channel.close().await(5, TimeUnit.SECONDS);
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aSocketThatStaysFullQueuesNoMoreThanTheWriteWatermarkAndCountsTheRest() throws Exception {
        // The kernel's send buffer never has room: every packet goes to Netty's outbound buffer. Sent in one loop
        // task (as a keyframe fan-out is), nothing is flushed in between.
        UdpSocket socket = new UdpSocket(server, channel, (datagram, to) -> 0);
        SrtpContext srtp = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, new byte[16], new byte[12]);
        byte[] header = {(byte) 0x80, 96, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
        byte[] payload = new byte[1200];
        InetSocketAddress to = (InetSocketAddress) channel.localAddress();
        int packets = 2_000;
        int[] sent = new int[1];
        long[] queuedBytes = new long[1];
        channel.eventLoop().submit(() -> {
            for (int i = 0; i < packets; i++) {
                header[3] = (byte) i;
                header[2] = (byte) (i >> 8);
                if (socket.sendRtp(srtp, header, payload, 0, payload.length, to) > 0) {
                    sent[0]++;
                }
            }
            queuedBytes[0] = channel.unsafe().outboundBuffer().totalPendingWriteBytes();
        }).get(10, TimeUnit.SECONDS);

        int high = channel.config().getWriteBufferHighWaterMark();
        int packetBytes = 12 + 1200 + 16;
        // the packet that crosses the watermark is queued, with Netty's estimate of its entry's overhead
        assertTrue(queuedBytes[0] <= high + 2 * packetBytes,
                queuedBytes[0] + " bytes queued behind a full socket, more than the watermark " + high);
        assertTrue(sent[0] > 0 && sent[0] < packets, sent[0] + " of " + packets + " queued");
        assertEquals(packets - sent[0], server.droppedDatagrams(), "every packet not queued is counted");
    }
}
