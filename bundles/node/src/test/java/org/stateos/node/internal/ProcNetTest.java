package org.stateos.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ProcNetTest {
    static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
               1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 100 0 0 10 0
               2: 0100007F:1F90 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1
               3: 0B01A8C0:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
            """;
    static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000000000000:20FB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0
               1: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1005 1 0000000000000000 100 0 0 10 0
               2: 0000000000000000FFFF00000100007F:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1006 1 0000000000000000 100 0 0 10 0
            """;
    static final String UDP = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
               12: 00000000:1F0A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1007 2 0000000000000000 0
               13: 0100007F:A1B2 0800080A:0035 01 00000000:00000000 00:00000000 00000000     0        0 1008 2 0000000000000000 0
            """;
    static final String UDP6 = """
               sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              200: 00000000000000000000000000000000:1FFD 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1009 2 0000000000000000 0
              201: 000080FE00000000FF0B0002FEC5B4FE:1F0A 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1010 2 0000000000000000 0
            """;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Test
    void decodesIpv4WordsPrintedByALittleEndianKernel() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, ProcNet.decodeAddress("0100007F", LE));
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 1, 11}, ProcNet.decodeAddress("0B01A8C0", LE));
    }

    @Test
    void decodesTheSameAddressFromABigEndianKernel() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, ProcNet.decodeAddress("7F000001", ByteOrder.BIG_ENDIAN));
    }

    @Test
    void decodesIpv6AsFourLittleEndianWords() {
        byte[] loopback = new byte[16];
        loopback[15] = 1;
        assertArrayEquals(loopback, ProcNet.decodeAddress("00000000000000000000000001000000", LE));
        byte[] linkLocal = ProcNet.decodeAddress("000080FE00000000FF0B0002FEC5B4FE", LE);
        assertEquals("fe80::200:bff:feb4:c5fe", ProcNet.ipv6(linkLocal));
    }

    @Test
    void rejectsAddressesOfOtherLengthsOrNonHex() {
        assertNull(ProcNet.decodeAddress("0100007", LE));
        assertNull(ProcNet.parseLine("tcp", "   0: 0100007G:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1 1", LE));
        assertNull(ProcNet.parseLine("tcp", "garbage", LE));
        assertNull(ProcNet.parseLine("tcp", "", LE));
    }

    @Test
    void formatsIpv6TheShortWay() {
        assertEquals("::", ProcNet.ipv6(new byte[16]));
        assertEquals("::ffff:127.0.0.1", ProcNet.ipv6(ProcNet.decodeAddress("0000000000000000FFFF00000100007F", LE)));
        byte[] a = new byte[16];
        a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = (byte) 0xb8; a[7] = 1; a[15] = 1; // 2001:db8:0:1:0:0:0:1
        assertEquals("2001:db8:0:1::1", ProcNet.ipv6(a));
        byte[] b = new byte[16];
        b[1] = 1; b[15] = 1;                                            // 1:0:0:0:0:0:0:1
        assertEquals("1::1", ProcNet.ipv6(b));
        byte[] c = new byte[16];
        c[1] = 1; c[5] = 1; c[13] = 1;                                 // 1:0:1:0:0:0:1:0 → 1:0:1::1:0
        assertEquals("1:0:1::1:0", ProcNet.ipv6(c));
    }

    @Test
    void parsesEveryTableIntoProtocolAddressPortStateAndInode() {
        List<ProcNet.Entry> tcp = ProcNet.parse("tcp", TCP, LE);
        assertEquals(4, tcp.size());
        assertEquals("tcp 0.0.0.0:8080", tcp.get(0).display());
        assertEquals(0x0A, tcp.get(0).state());
        assertEquals(1001, tcp.get(0).inode());
        assertEquals("tcp 127.0.0.1:8081", tcp.get(1).display());
        assertEquals("tcp 192.168.1.11:22", tcp.get(3).display());

        List<ProcNet.Entry> tcp6 = ProcNet.parse("tcp", TCP6, LE);
        assertEquals(List.of("tcp [::]:8443", "tcp [::1]:8082", "tcp 127.0.0.1:8083"),
                tcp6.stream().map(ProcNet.Entry::display).toList());

        List<ProcNet.Entry> udp6 = ProcNet.parse("udp", UDP6, LE);
        assertEquals("udp [::]:8189", udp6.get(0).display());
        assertEquals(1009, udp6.get(0).inode());
    }

    @Test
    void keepsOnlyListeningSocketsOfThisProcess() {
        List<ProcNet.Entry> all = new ArrayList<>();
        all.addAll(ProcNet.parse("tcp", TCP, LE));
        all.addAll(ProcNet.parse("tcp", TCP6, LE));
        all.addAll(ProcNet.parse("udp", UDP, LE));
        all.addAll(ProcNet.parse("udp", UDP6, LE));
        // 2001 is another process's sshd; 1003 is an established connection; 1008 a connected UDP socket.
        Set<Long> mine = Set.of(1001L, 1002L, 1003L, 1004L, 1005L, 1007L, 1008L, 1009L);

        assertEquals(List.of("tcp 0.0.0.0:8080", "tcp 127.0.0.1:8081", "tcp [::1]:8082", "tcp [::]:8443",
                        "udp 0.0.0.0:7946", "udp [::]:8189"),
                ProcNet.display(ProcNet.listening(all, mine)));
    }

    @Test
    void readsSocketInodesFromFdLinkTargets() {
        assertEquals(12345, ProcNet.socketInode("socket:[12345]"));
        assertEquals(-1, ProcNet.socketInode("pipe:[12345]"));
        assertEquals(-1, ProcNet.socketInode("/var/esr/data/log"));
        assertEquals(-1, ProcNet.socketInode("socket:[x]"));
    }
}
