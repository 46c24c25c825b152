package org.stateos.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListeningSocketsTest {
    @TempDir
    Path proc;

    @Test
    void readsAFakeProcTreeAndSkipsMissingTables() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "samples are little-endian");
        Path fd = Files.createDirectories(proc.resolve("self/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[1001]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("pipe:[1002]"));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("socket:[1009]"));
        Path net = Files.createDirectories(proc.resolve("net"));
        Files.writeString(net.resolve("tcp"), ProcNetTest.TCP);
        Files.writeString(net.resolve("udp6"), ProcNetTest.UDP6); // no tcp6, no udp: IPv6 TCP off, say

        assertEquals(List.of("tcp 0.0.0.0:8080", "udp [::]:8189"), ListeningSockets.read(proc));
    }

    @Test
    void aMachineWithoutProcListsNothing() throws Exception {
        assertEquals(List.of(), ListeningSockets.read(proc.resolve("absent")));
    }

    @Test
    void findsTheSocketsThisJvmReallyListensOn() throws Exception {
        Path real = Path.of("/proc");
        assumeTrue(Files.isDirectory(real.resolve("self/fd")) && Files.exists(real.resolve("net/tcp")), "Linux only");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            List<String> listening = ListeningSockets.read(real);
            assertTrue(listening.contains("tcp 127.0.0.1:" + tcp.getLocalPort()), listening.toString());
            assertTrue(listening.contains("udp 127.0.0.1:" + udp.getLocalPort()), listening.toString());
        }
    }
}
