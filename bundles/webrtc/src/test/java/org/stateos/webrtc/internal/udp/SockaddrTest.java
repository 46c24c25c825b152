package org.stateos.webrtc.internal.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The kernel's socket address structures, byte for byte (little-endian machine, as every ESR is). */
class SockaddrTest {
    private final ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void anIpv4DestinationOnAnIpv4SocketIsASockaddrIn() throws Exception {
        int n = Sockaddr.encode(b, 4, LibC.AF_INET, new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 8189));
        assertEquals(16, n);
        assertArrayEquals(new byte[] {2, 0, 0x1F, (byte) 0xFD, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0}, bytes(4, n));
    }

    @Test
    void anIpv4DestinationOnAnIpv6SocketIsV4Mapped() throws Exception {
        int n = Sockaddr.encode(b, 0, LibC.AF_INET6, new InetSocketAddress(InetAddress.getByName("192.168.0.7"), 50000));
        assertEquals(28, n);
        byte[] expected = new byte[28];
        expected[0] = 10; // AF_INET6, little-endian
        expected[2] = (byte) 0xC3; // 50000 = 0xC350, network order
        expected[3] = 0x50;
        expected[18] = (byte) 0xFF;
        expected[19] = (byte) 0xFF;
        expected[20] = (byte) 192;
        expected[21] = (byte) 168;
        expected[22] = 0;
        expected[23] = 7;
        assertArrayEquals(expected, bytes(0, n));
    }

    @Test
    void anIpv6DestinationKeepsItsScope() throws Exception {
        Inet6Address linkLocal = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        int n = Sockaddr.encode(b, 0, LibC.AF_INET6, new InetSocketAddress(linkLocal, 1));
        assertEquals(28, n);
        assertArrayEquals(linkLocal.getAddress(), bytes(8, 16));
        assertEquals(3, b.getInt(24));
        assertEquals(0x0100, b.getShort(2) & 0xFFFF, "port 1 in network order");
    }

    @Test
    void anIpv6DestinationOnAnIpv4SocketIsRefused() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1);
        assertThrows(IllegalArgumentException.class, () -> Sockaddr.encode(b, 0, LibC.AF_INET, v6));
        assertThrows(IllegalArgumentException.class,
                () -> Sockaddr.encode(b, 0, LibC.AF_INET, InetSocketAddress.createUnresolved("example.org", 1)));
    }

    private byte[] bytes(int from, int n) {
        return Arrays.copyOfRange(b.array(), from, from + n);
    }
}
