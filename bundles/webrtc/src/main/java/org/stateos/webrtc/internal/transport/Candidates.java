package org.stateos.webrtc.internal.transport;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The host candidates announced in SDP answers: configured, or derived from the bound socket. */
final class Candidates {
    private Candidates() {
    }

    static List<InetSocketAddress> resolve(List<String> configured, InetSocketAddress bound) throws UnknownHostException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String entry : configured) {
            out.add(parse(entry, bound.getPort()));
        }
        if (!out.isEmpty()) {
            return List.copyOf(out);
        }
        InetAddress bind = bound.getAddress();
        if (!bind.isAnyLocalAddress()) {
            return List.of(bound);
        }
        boolean v6 = bind instanceof Inet6Address;
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a.isLinkLocalAddress() || (!v6 && !(a instanceof Inet4Address))) {
                        continue;
                    }
                    out.add(new InetSocketAddress(a, bound.getPort()));
                }
            }
        } catch (SocketException e) {
            // fall through to loopback
        }
        if (out.isEmpty()) {
            out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()));
        }
        return List.copyOf(out);
    }

    /** "1.2.3.4", "1.2.3.4:5000", "2001:db8::1", "[2001:db8::1]:5000" or a host name (resolved now). */
    static InetSocketAddress parse(String entry, int defaultPort) throws UnknownHostException {
        String host = entry;
        int port = defaultPort;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new UnknownHostException("announced address '" + entry + "' lacks ']'");
            }
            host = entry.substring(1, close);
            if (entry.length() > close + 1) {
                port = port(entry, entry.substring(close + 1));
            }
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            host = entry.substring(0, entry.indexOf(':'));
            port = port(entry, entry.substring(entry.indexOf(':')));
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static int port(String entry, String colonPort) throws UnknownHostException {
        try {
            int p = Integer.parseInt(colonPort.substring(1));
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (RuntimeException e) {
            throw new UnknownHostException("announced address '" + entry + "' has a bad port");
        }
    }
}
