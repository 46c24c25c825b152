package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.udp.SegmentedSender;

/**
 * A frame's packets to one viewer as one burst: which calls reach the socket (seams), and on a real socket,
 * what a receiver gets (the packets, in order, each decrypting to what was sent).
 */
class UdpSocketBurstTest {
    private static final int SEGMENT = 12 + 1200 + 16; // header + payload + GCM tag
    private NioEventLoopGroup group;
    private WebRtcTransportServer server;
    private DatagramChannel javaChannel;
    private Channel channel;
    private DatagramChannel receiver;
    private InetSocketAddress to;
    private final SrtpBursts bursts = new SrtpBursts();
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = new NioEventLoopGroup(1);
        server = new WebRtcTransportServer(TransportSettings.defaults("127.0.0.1", 0), group);
        javaChannel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel = new Bootstrap().group(group)
                .channelFactory((io.netty.channel.ChannelFactory<NioDatagramChannel>) () -> new NioDatagramChannel(javaChannel))
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        receiver = DatagramChannel.open(StandardProtocolFamily.INET);
        receiver.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
        receiver.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        to = (InetSocketAddress) receiver.getLocalAddress();
    }

    @AfterEach
    void stop() throws Exception {
        channel.close().await(5, TimeUnit.SECONDS);
        receiver.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aFramesPacketsLeaveInOneCall() throws Exception {
        UdpSocket socket = recordingSocket();
        burst(socket, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 500);
        assertEquals(List.of("gso " + (8 * SEGMENT + 12 + 500 + 16) + "/" + SEGMENT), calls);
        assertEquals(1, socket.segmentedSends().calls());
        assertEquals(9, socket.segmentedSends().datagrams());
    }

    @Test
    void aPacketLongerThanTheOnesBeforeItStartsTheNextCallAndALoneOneIsAPlainSend() throws Exception {
        UdpSocket socket = recordingSocket();
        burst(socket, 500, 1200, 1200, 300, 1200);
        int short1 = 12 + 500 + 16;
        int short2 = 12 + 300 + 16;
        assertEquals(List.of("send " + short1, "gso " + (2 * SEGMENT + short2) + "/" + SEGMENT, "send " + SEGMENT), calls);
    }

    @Test
    void packetsOutsideABurstAreSentOneByOne() throws Exception {
        UdpSocket socket = recordingSocket();
        SrtpContext srtp = bursts.context();
        channel.eventLoop().submit(() -> {
            for (int i = 0; i < 3; i++) {
                socket.sendRtp(srtp, SrtpBursts.header(i), new byte[1200], 0, 1200, to);
            }
        }).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("send " + SEGMENT, "send " + SEGMENT, "send " + SEGMENT), calls);
    }

    @Test
    void aRefusedSegmentedSendFallsBackToOneDatagramPerCallForGood() throws Exception {
        UdpSocket socket = new UdpSocket(server, channel, (d, t) -> record("send " + d.remaining()),
                (d, segment, t) -> {
                    record("gso " + d.remaining());
                    throw new SegmentedSender.SegmentationRefused("EIO: no checksum offload");
                });
        burst(socket, 1200, 1200, 1200);
        burst(socket, 1200, 1200);
        assertEquals(List.of("gso " + 3 * SEGMENT, "send " + SEGMENT, "send " + SEGMENT, "send " + SEGMENT,
                "send " + SEGMENT, "send " + SEGMENT), calls);
        assertTrue(!socket.segmentedSendsOn());
        assertTrue(server.sendMode().contains("refused by the kernel"), server.sendMode());
    }

    @Test
    void aFullSocketBufferQueuesTheBurstInOrderAndItAllArrives() throws Exception {
        // The segmented call finds the socket buffer full (returns 0): the packets wait in Netty's outbound
        // buffer, which writes them once the socket has room (here at once), in order.
        UdpSocket socket = new UdpSocket(server, channel, javaChannel::send, (d, segment, t) -> 0);
        List<byte[]> sent = burst(socket, 1200, 1200, 1200, 1200, 800);
        assertReceived(sent);
    }

    @Test
    void throughTheKernelEachPacketOfABurstArrivesAndDecrypts() throws Exception {
        UdpSocket socket = new UdpSocket(server, channel, javaChannel::send, SegmentedSender.on(javaChannel)::send);
        List<byte[]> sent = burst(socket, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 333);
        assertEquals(1, socket.segmentedSends().calls(), "one sendmsg");
        assertReceived(sent);
        // a keyframe: more than one call's worth of bytes (63 KiB) leaves in two calls
        List<byte[]> keyframe = burst(socket, new int[60]);
        assertEquals(3, socket.segmentedSends().calls());
        assertReceived(keyframe);
    }

    private UdpSocket recordingSocket() {
        return new UdpSocket(server, channel, (d, t) -> record("send " + d.remaining()),
                (d, segment, t) -> {
                    record("gso " + d.remaining() + "/" + segment);
                    return d.remaining();
                });
    }

    private int record(String call) {
        calls.add(call);
        return 1;
    }

    private List<byte[]> burst(UdpSocket socket, int... sizes) throws Exception {
        return bursts.send(channel, socket, to, sizes);
    }

    private void assertReceived(List<byte[]> payloads) throws Exception {
        bursts.assertReceived(receiver, payloads);
    }
}
