package org.stateos.node.internal;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure functions over the text of Linux's /proc/net/{tcp,tcp6,udp,udp6} and /proc/self/fd link targets.
 *
 * <p>Each line after the header reads {@code sl local_address rem_address st ... uid timeout inode ...}. The
 * kernel prints an address as 32-bit words, each with {@code %08X} of the word as it sits in memory: on a
 * little-endian machine the bytes of every word come out reversed ({@code 0100007F} is 127.0.0.1). The port
 * is already in host order. The state is a hex TCP state: 0A is LISTEN; 07 (CLOSE) on a UDP socket means
 * bound and not connected, which is what {@code ss -lu} calls listening.
 */
public final class ProcNet {
    /** TCP_LISTEN. */
    public static final int TCP_LISTEN = 0x0A;
    /** TCP_CLOSE, which an unconnected bound UDP socket reports. */
    public static final int UDP_UNCONNECTED = 0x07;

    /** One socket line: "tcp" or "udp", the local address as bytes (4 or 16), port, state and inode. */
    public record Entry(String protocol, byte[] address, int port, int state, long inode) {
        /**
         * The form an operator reads: "tcp 0.0.0.0:8080", "udp [::]:8189". An IPv4-mapped address (what a
         * JVM's dual-stack socket bound to 127.0.0.1 shows in tcp6) reads as the IPv4 address it stands for.
         */
        public String display() {
            String host = address.length == 4 ? ipv4(address, 0)
                    : isV4Mapped(address) ? ipv4(address, 12) : "[" + ipv6(address) + "]";
            return protocol + " " + host + ":" + port;
        }
    }

    private ProcNet() {}

    /**
     * Parses one /proc/net table. {@code protocol} is "tcp" or "udp" (the family comes from the address
     * length); lines that do not parse are skipped, never fatal: the table belongs to the kernel, and a
     * status command must not fail on a kernel that added a column.
     */
    public static List<Entry> parse(String protocol, CharSequence table, ByteOrder order) {
        List<Entry> out = new ArrayList<>();
        String[] lines = table.toString().split("\n");
        for (int i = 1; i < lines.length; i++) { // line 0 is the header
            Entry e = parseLine(protocol, lines[i], order);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    static Entry parseLine(String protocol, String line, ByteOrder order) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[0].endsWith(":")) {
            return null;
        }
        int colon = f[1].indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            byte[] address = decodeAddress(f[1].substring(0, colon), order);
            int port = Integer.parseInt(f[1].substring(colon + 1), 16);
            int state = Integer.parseInt(f[3], 16);
            long inode = Long.parseLong(f[9]);
            if (address == null || port > 0xffff) {
                return null;
            }
            return new Entry(protocol, address, port, state, inode);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Decodes 8 or 32 hex digits of 32-bit words printed in {@code order}; null for any other form. */
    public static byte[] decodeAddress(String hex, ByteOrder order) {
        if (hex.length() != 8 && hex.length() != 32) {
            return null;
        }
        byte[] out = new byte[hex.length() / 2];
        for (int w = 0; w < out.length; w += 4) {
            long word = Long.parseLong(hex.substring(w * 2, w * 2 + 8), 16); // throws on non-hex
            for (int b = 0; b < 4; b++) {
                int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * b : 8 * (3 - b);
                out[w + b] = (byte) (word >>> shift);
            }
        }
        return out;
    }

    /** Keeps the sockets listening (TCP LISTEN, unconnected UDP) whose inode is one of {@code ownInodes}. */
    public static List<Entry> listening(List<Entry> entries, Set<Long> ownInodes) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            int wanted = e.protocol().equals("tcp") ? TCP_LISTEN : UDP_UNCONNECTED;
            if (e.state() == wanted && e.port() != 0 && e.inode() != 0 && ownInodes.contains(e.inode())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Display forms, sorted by protocol, port, then address, without duplicates. */
    public static List<String> display(List<Entry> entries) {
        Set<Entry> sorted = new TreeSet<>(Comparator.comparing(Entry::protocol)
                .thenComparingInt(Entry::port)
                .thenComparing(Entry::display));
        sorted.addAll(entries);
        return sorted.stream().map(Entry::display).distinct().toList();
    }

    /** The inode of a /proc/self/fd link target "socket:[12345]", or -1 for anything else. */
    public static long socketInode(String linkTarget) {
        if (!linkTarget.startsWith("socket:[") || !linkTarget.endsWith("]")) {
            return -1;
        }
        try {
            return Long.parseLong(linkTarget.substring(8, linkTarget.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String ipv4(byte[] a, int from) {
        return (a[from] & 0xff) + "." + (a[from + 1] & 0xff) + "." + (a[from + 2] & 0xff) + "." + (a[from + 3] & 0xff);
    }

    static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** RFC 5952 text: lower case, the longest run (≥ 2) of zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
    static String ipv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        if (isV4Mapped(a)) {
            return "::ffff:" + ipv4(a, 12);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
