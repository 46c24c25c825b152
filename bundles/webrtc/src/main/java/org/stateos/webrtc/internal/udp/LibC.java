package org.stateos.webrtc.internal.udp;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLibrary;

/**
 * The two C library calls the segmented send needs and the JDK does not offer, called through JNA
 * {@link Function}s; pointers are passed as addresses of direct buffers.
 *
 * <p>Why not JNA's direct mapping ({@code Native.register}), which costs less per call: JNA then keeps the
 * registering class in a weak map whose value refers back to the class, and {@code Native.unregister} does not
 * remove it, so every refresh of this bundle left its class loaders behind (HotSwapTest: two per swap). A
 * {@code Function} of the C library refers to nothing of this bundle. Its cost: a boxed argument array per call,
 * one call per burst of a frame's packets.
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
    static final int EMSGSIZE = 90;
    static final int ENOPROTOOPT = 92;
    static final int EOPNOTSUPP = 95;

    private static final Function SENDMSG;
    private static final Function GETSOCKOPT;
    /** Why the C library's functions are not available, or null when they are. */
    static final String UNAVAILABLE;

    static {
        Function sendmsg = null;
        Function getsockopt = null;
        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            why = "not Linux (UDP_SEGMENT is a Linux socket option)";
        } else {
            try {
                NativeLibrary c = NativeLibrary.getInstance("c");
                sendmsg = c.getFunction("sendmsg", Function.THROW_LAST_ERROR);
                getsockopt = c.getFunction("getsockopt", Function.THROW_LAST_ERROR);
            } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: JNA's native part did not load
                why = "JNA cannot bind the C library: " + e;
            }
        }
        SENDMSG = sendmsg;
        GETSOCKOPT = getsockopt;
        UNAVAILABLE = why;
    }

    private LibC() {
    }

    /** {@code sendmsg(fd, msghdr, flags)}; the bytes sent. */
    static long sendmsg(int fd, long msghdr, int flags) throws LastErrorException {
        return SENDMSG.invokeLong(new Object[] {fd, msghdr, flags});
    }

    /** {@code getsockopt(fd, level, name, value, length)}. */
    static int getsockopt(int fd, int level, int name, long value, long length) throws LastErrorException {
        return GETSOCKOPT.invokeInt(new Object[] {fd, level, name, value, length});
    }
}
