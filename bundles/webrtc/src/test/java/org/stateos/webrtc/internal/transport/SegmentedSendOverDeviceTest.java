package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.udp.SegmentedSender;

/**
 * Segmented sends through a real network device instead of loopback: a veth pair whose far end lives in a network
 * namespace of its own, so the datagrams leave through the device's transmit path (features, checksum offload,
 * segmentation) and arrive at a socket in that namespace. Segments above the path's MTU (EMSGSIZE) go one datagram
 * per call for that burst; a socket the kernel refuses to segment for (EINVAL, EIO) falls back for good; a device
 * without transmit checksum offload loses nothing either.
 *
 * <p>Needs root, {@code ip} and {@code ethtool} ({@code .ci/run} installs them); skipped elsewhere.
 */
class SegmentedSendOverDeviceTest {
    private static final int CLONE_NEWNET = 0x40000000;
    private final String namespace = "stateos-gso-" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
    private final String device = "sgso" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
    private final int subnet = ThreadLocalRandom.current().nextInt(1, 250);
    private final SrtpBursts bursts = new SrtpBursts();
    private NioEventLoopGroup group;
    private WebRtcTransportServer server;
    private DatagramChannel javaChannel;
    private Channel channel;
    private DatagramChannel receiver;
    private InetSocketAddress to;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "Linux only");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a network namespace");
        Assumptions.assumeTrue(tool("ip") != null && tool("ethtool") != null, "needs ip (iproute2) and ethtool");
        Assumptions.assumeTrue(SegmentedSender.unavailableReason() == null, String.valueOf(SegmentedSender.unavailableReason()));
        String near = "10.254." + subnet + ".1";
        String far = "10.254." + subnet + ".2";
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", device + "a", "type", "veth", "peer", "name", device + "b");
        run("ip", "link", "set", device + "b", "netns", namespace);
        run("ip", "addr", "add", near + "/30", "dev", device + "a");
        run("ip", "link", "set", device + "a", "up");
        run("ip", "-n", namespace, "addr", "add", far + "/30", "dev", device + "b");
        run("ip", "-n", namespace, "link", "set", device + "b", "up");
        run("ip", "-n", namespace, "link", "set", "lo", "up");

        receiver = openInNamespace(namespace);
        receiver.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
        receiver.bind(new InetSocketAddress(far, 0));
        to = (InetSocketAddress) receiver.getLocalAddress();

        group = new NioEventLoopGroup(1);
        server = new WebRtcTransportServer(TransportSettings.defaults("127.0.0.1", 0), group);
        javaChannel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel = new Bootstrap().group(group)
                .channelFactory((io.netty.channel.ChannelFactory<NioDatagramChannel>) () -> new NioDatagramChannel(javaChannel))
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(near, 0)).sync().channel();
        // One plain datagram first: resolves the neighbour (ARP) so no burst waits in its queue.
        javaChannel.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), to);
        receiver.socket().setSoTimeout(5000);
        java.net.DatagramPacket hello = new java.net.DatagramPacket(new byte[64], 64);
        receiver.socket().receive(hello);
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.close().await(5, TimeUnit.SECONDS);
        }
        if (receiver != null) {
            receiver.close();
        }
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        if (tool("ip") != null) {
            quietly("ip", "link", "del", device + "a"); // takes its peer along
            quietly("ip", "netns", "del", namespace);
        }
    }

    @Test
    void overAVethDeviceOneCallArrivesAsItsPacketsInOrder() throws Exception {
        UdpSocket socket = new UdpSocket(server, channel, javaChannel::send, SegmentedSender.on(javaChannel)::send);
        List<byte[]> sent = burst(socket, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 333);
        assertEquals(1, socket.segmentedSends().calls(), "one sendmsg for the burst");
        assertEquals(11, socket.segmentedSends().datagrams());
        assertReceived(sent);
        List<byte[]> keyframe = burst(socket, new int[60]); // more than one call's 63 KiB: two calls
        assertEquals(3, socket.segmentedSends().calls());
        assertReceived(keyframe);
        assertTrue(socket.segmentedSendsOn());
    }

    @Test
    void aSegmentAboveThePathsMtuIsRefusedForThatBurstOnly() throws Exception {
        run("ip", "link", "set", "dev", device + "a", "mtu", "1000");
        SegmentedSender sender = SegmentedSender.on(javaChannel);
        ByteBuffer two = ByteBuffer.allocateDirect(2400);
        // EMSGSIZE on kernels since 5.x; older ones said EINVAL, which turns segmentation off for the socket
        IOException e = assertThrows(IOException.class, () -> sender.send(two, 1200, to));
        assertTrue(e instanceof SegmentedSender.SegmentAboveMtu || e instanceof SegmentedSender.SegmentationRefused,
                e.toString());
        assertTrue(e.getMessage().contains("UDP_SEGMENT 1200"), e.getMessage());
    }

    @Test
    void burstsAboveThePathsMtuGoOneDatagramPerCallAndEveryPacketArrives() throws Exception {
        // IP fragments each datagram on the 1,000-byte link and the receiver's kernel reassembles it.
        run("ip", "link", "set", "dev", device + "a", "mtu", "1000");
        SegmentedSender sender = SegmentedSender.on(javaChannel);
        int[] calls = {0};
        UdpSocket socket = new UdpSocket(server, channel, javaChannel::send, (d, segment, t) -> {
            calls[0]++;
            return sender.send(d, segment, t);
        });
        List<byte[]> first = burst(socket, 1200, 1200, 1200, 1200, 700);
        assertEquals(0, socket.segmentedSends().calls());
        assertReceived(first);
        List<byte[]> second = burst(socket, 1200, 1200, 1200);
        assertReceived(second);
        if (socket.segmentedSendsOn()) { // EMSGSIZE: only the bursts that do not fit go one by one
            assertEquals(2, socket.segmentedSends().aboveMtu());
            assertEquals(1, calls[0], "the second burst to that destination skips the call the kernel refused");
            List<byte[]> small = burst(socket, 900, 900, 900, 900); // 928-byte datagrams fit the link
            assertEquals(2, calls[0]);
            assertEquals(1, socket.segmentedSends().calls(), "small segments still leave in one call");
            assertReceived(small);
        } else { // EINVAL (older kernels): off for this socket
            assertTrue(server.sendMode().contains("refused by the kernel"), server.sendMode());
        }
    }

    @Test
    void aSocketTheKernelRefusesSegmentationForFallsBackForGoodAndLosesNothing() throws Exception {
        // A socket with UDP checksums off (SO_NO_CHECK) may not segment: the kernel answers EINVAL.
        setNoCheck(javaChannel);
        UdpSocket socket = new UdpSocket(server, channel, javaChannel::send, SegmentedSender.on(javaChannel)::send);
        List<byte[]> first = burst(socket, 1200, 1200, 1200, 1200, 700);
        assertFalse(socket.segmentedSendsOn(), "segmentation off for this socket after the refusal");
        assertEquals(0, socket.segmentedSends().calls());
        assertTrue(server.sendMode().contains("refused by the kernel"), server.sendMode());
        assertReceived(first);
        List<byte[]> second = burst(socket, 1200, 1200, 1200);
        assertReceived(second);
    }

    @Test
    void withoutChecksumOffloadEveryPacketStillArrives() throws Exception {
        // Some kernels refuse UDP_SEGMENT with EIO when the device cannot checksum (the socket falls back); others
        // (6.18 here) checksum the segments in software. Either way nothing may be lost.
        run("ethtool", "-K", device + "a", "tx", "off");
        UdpSocket socket = new UdpSocket(server, channel, javaChannel::send, SegmentedSender.on(javaChannel)::send);
        List<byte[]> sent = burst(socket, 1200, 1200, 1200, 1200, 1200, 1200, 500);
        if (socket.segmentedSendsOn()) {
            assertEquals(1, socket.segmentedSends().calls(), "segmented in one call");
        } else {
            assertTrue(server.sendMode().contains("refused by the kernel"), server.sendMode());
        }
        assertReceived(sent);
    }

    private List<byte[]> burst(UdpSocket socket, int... sizes) throws Exception {
        return bursts.send(channel, socket, to, sizes);
    }

    private void assertReceived(List<byte[]> payloads) throws Exception {
        bursts.assertReceived(receiver, payloads);
    }

    /**
     * A UDP socket in another network namespace: a thread of its own enters the namespace (setns applies to the
     * calling thread only) and opens it there; the socket stays in that namespace whichever thread uses it.
     */
    private static DatagramChannel openInNamespace(String name) throws Exception {
        CompletableFuture<DatagramChannel> opened = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                NativeLibrary c = NativeLibrary.getInstance("c");
                Function open = c.getFunction("open", Function.THROW_LAST_ERROR);
                Function setns = c.getFunction("setns", Function.THROW_LAST_ERROR);
                Function close = c.getFunction("close");
                int fd = open.invokeInt(new Object[] {"/var/run/netns/" + name, 0});
                try {
                    setns.invokeInt(new Object[] {fd, CLONE_NEWNET});
                } finally {
                    close.invokeInt(new Object[] {fd});
                }
                opened.complete(DatagramChannel.open(StandardProtocolFamily.INET));
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        }, "netns-" + name);
        t.start();
        return opened.get(10, TimeUnit.SECONDS);
    }

    /** The tool's absolute path (PATH, then /usr/sbin and /sbin, where Debian keeps ip and ethtool), or null. */
    /** setsockopt(SOL_SOCKET, SO_NO_CHECK, 1) on the channel's descriptor (surefire runs with the add-exports). */
    private static void setNoCheck(DatagramChannel channel) throws Exception {
        int fd = (int) Class.forName("sun.nio.ch.SelChImpl", false, null).getMethod("getFDVal").invoke(channel);
        Function setsockopt = NativeLibrary.getInstance("c").getFunction("setsockopt", Function.THROW_LAST_ERROR);
        int[] one = {1};
        setsockopt.invokeInt(new Object[] {fd, 1 /* SOL_SOCKET */, 11 /* SO_NO_CHECK */, one, 4});
    }

    private static String tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            java.io.File f = new java.io.File(dir, name);
            if (!dir.isEmpty() && f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        String[] resolved = command.clone();
        resolved[0] = tool(command[0]);
        if (resolved[0] == null) {
            throw new IOException(command[0] + " is not installed");
        }
        Process p = new ProcessBuilder(resolved).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no answer in 20 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException | InterruptedException ignored) {
            // cleaning up what may not exist (a failed setup)
        }
    }
}
