package org.stateos.webrtc.internal.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real sockets on loopback: one {@code sendmsg} with UDP_SEGMENT arrives as separate datagrams with the
 * boundaries and bytes that were sent. Needs Linux 4.18+ and the test JVM's {@code --add-exports} (the module's
 * surefire configuration), as the node has them.
 */
class SegmentedSenderTest {

    @Test
    void theJvmOfTheTestsCanSendSegmented() {
        assertNull(SegmentedSender.unavailableReason());
    }

    @Test
    void oneCallArrivesAsItsDatagramsFromAnIpv4Socket() throws Exception {
        try (DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel rx = receiver()) {
            tx.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            burstArrives(tx, rx, 1228, 8, 700);
        }
    }

    @Test
    void oneCallArrivesAsItsDatagramsFromADualStackSocket() throws Exception {
        // The JDK's default family: IPv6 with IPv4 destinations mapped (::ffff:127.0.0.1), as the node's sockets.
        try (DatagramChannel tx = DatagramChannel.open();
             DatagramChannel rx = receiver()) {
            burstArrives(tx, rx, 1000, 3, 1000);
            burstArrives(tx, rx, 1228, 1, 0);
        }
    }

    @Test
    void aBurstBeyondTheKernelsLimitsIsRefusedBeforeTheCall() throws Exception {
        try (DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
            SegmentedSender s = SegmentedSender.on(tx);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
            ByteBuffer tooMany = ByteBuffer.allocateDirect(65 * 100);
            assertThrows(IllegalArgumentException.class, () -> s.send(tooMany, 100, to), "65 segments");
            ByteBuffer tooLong = ByteBuffer.allocateDirect(SegmentedSender.MAX_BYTES + 1);
            assertThrows(IllegalArgumentException.class, () -> s.send(tooLong, 1400, to), "over 63 KiB");
            assertThrows(IllegalArgumentException.class, () -> s.send(ByteBuffer.allocate(1000), 100, to), "heap buffer");
        }
    }

    @Test
    void aClosedChannelIsNeverWrittenTo() throws Exception {
        // its descriptor number may be reused by the next file or socket the process opens
        DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET);
        SegmentedSender s = SegmentedSender.on(tx);
        tx.close();
        ByteBuffer burst = ByteBuffer.allocateDirect(2000);
        assertThrows(java.nio.channels.ClosedChannelException.class,
                () -> s.send(burst, 1000, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
    }

    @Test
    void aSenderWhoseChannelClosedRefusesAndAnotherOneStillSends() throws Exception {
        try (DatagramChannel first = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel second = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel rx = receiver()) {
            SegmentedSender s = SegmentedSender.on(first);
            first.close();
            assertThrows(java.nio.channels.ClosedChannelException.class,
                    () -> s.send(ByteBuffer.allocateDirect(2000), 1000, (InetSocketAddress) rx.getLocalAddress()));
            burstArrives(second, rx, 1228, 2, 100);
        }
    }

    private static DatagramChannel receiver() throws Exception {
        DatagramChannel rx = DatagramChannel.open(StandardProtocolFamily.INET);
        rx.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        rx.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return rx;
    }

    /** Sends {@code full} datagrams of {@code segment} bytes and one of {@code last} (0: none) in one call. */
    private static void burstArrives(DatagramChannel tx, DatagramChannel rx, int segment, int full, int last)
            throws Exception {
        int total = full * segment + last;
        ByteBuffer burst = ByteBuffer.allocateDirect(total + 10);
        burst.position(10); // the send starts at the position, not at 0
        byte[] sent = new byte[total];
        for (int i = 0; i < total; i++) {
            sent[i] = (byte) (i * 31 + i / segment);
        }
        burst.put(sent).flip().position(10);
        int n = SegmentedSender.on(tx).send(burst, segment, (InetSocketAddress) rx.getLocalAddress());
        assertEquals(total, n, "bytes sent");
        assertEquals(10, burst.position(), "the buffer's position does not move");

        rx.configureBlocking(true);
        rx.socket().setSoTimeout(5000);
        List<byte[]> got = new ArrayList<>();
        int expected = full + (last > 0 ? 1 : 0);
        byte[] in = new byte[65536];
        for (int i = 0; i < expected; i++) {
            java.net.DatagramPacket p = new java.net.DatagramPacket(in, in.length);
            rx.socket().receive(p); // the socket adaptor honours SO_TIMEOUT: a lost datagram fails, never hangs
            got.add(Arrays.copyOf(p.getData(), p.getLength()));
        }
        for (int i = 0; i < expected; i++) {
            int from = i * segment;
            int length = i < full ? segment : last;
            assertArrayEquals(Arrays.copyOfRange(sent, from, from + length), got.get(i), "datagram " + i);
        }
    }
}
