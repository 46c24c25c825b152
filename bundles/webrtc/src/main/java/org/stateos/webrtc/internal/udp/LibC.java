package org.stateos.webrtc.internal.udp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * The two C library calls the segmented send needs and the JDK does not offer, bound with JNA's direct mapping
 * (one JNI call each, no reflection per call). Pointers are passed as addresses of direct buffers.
 */
final class LibC {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOL_SOCKET = 1;
    static final int SO_DOMAIN = 39;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int MSG_DONTWAIT = 0x40;
    static final int EAGAIN = 11;
    static final int EIO = 5;
    static final int EINVAL = 22;
    static final int ENOPROTOOPT = 92;
    static final int EOPNOTSUPP = 95;

    /** Why the library is not bound, or null when it is. */
    static final String UNAVAILABLE = bind();

    private LibC() {
    }

    private static String bind() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "not Linux (UDP_SEGMENT is a Linux socket option)";
        }
        try {
            Native.register(LibC.class, "c");
            return null;
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: JNA's native part did not load
            return "JNA cannot bind the C library: " + e;
        }
    }

    static native long sendmsg(int fd, long msghdr, int flags) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, long value, long length) throws LastErrorException;
}
