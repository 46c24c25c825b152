package org.stateos.webrtc.internal.udp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes a destination as the kernel's {@code sockaddr_in} or {@code sockaddr_in6} for a socket of one family. */
final class Sockaddr {
    static final int IN_BYTES = 16;
    static final int IN6_BYTES = 28;

    private Sockaddr() {
    }

    /**
     * Writes {@code to} at {@code at} in {@code b} (whose byte order is the machine's) for a socket of
     * {@code family}: an IPv4 address on an IPv6 socket becomes {@code ::ffff:a.b.c.d}, as the JDK sends it.
     *
     * @return the length of the structure
     * @throws IllegalArgumentException for an IPv6 destination on an IPv4 socket or an unresolved address
     */
    static int encode(ByteBuffer b, int at, int family, InetSocketAddress to) {
        InetAddress address = to.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("unresolved destination " + to);
        }
        short port = (short) to.getPort();
        if (family == LibC.AF_INET) {
            if (!(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 destination " + to + " on an IPv4 socket");
            }
            b.putShort(at, (short) LibC.AF_INET);
            b.putShort(at + 2, bigEndian(port));
            b.put(at + 4, address.getAddress());
            b.putLong(at + 8, 0);
            return IN_BYTES;
        }
        if (family != LibC.AF_INET6) {
            throw new IllegalArgumentException("socket family " + family + " is neither AF_INET nor AF_INET6");
        }
        b.putShort(at, (short) LibC.AF_INET6);
        b.putShort(at + 2, bigEndian(port));
        b.putInt(at + 4, 0); // flow info
        if (address instanceof Inet6Address v6) {
            b.put(at + 8, v6.getAddress());
            b.putInt(at + 24, v6.getScopeId());
        } else {
            b.putLong(at + 8, 0);
            b.putShort(at + 16, (short) 0);
            b.putShort(at + 18, (short) 0xFFFF);
            b.put(at + 20, address.getAddress());
            b.putInt(at + 24, 0);
        }
        return IN6_BYTES;
    }

    private static short bigEndian(short v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v);
    }
}
