package org.stateos.webrtc.internal.udp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;

/**
 * Sends several equal-sized datagrams to one destination with one {@code sendmsg} and the {@code UDP_SEGMENT}
 * control message (Linux GSO, kernel 4.18+): the kernel builds one large buffer and cuts it into datagrams late,
 * so route lookup, socket accounting and the system call are paid once per burst instead of once per datagram
 * (measured here: ~1.0 µs of CPU per 1,228-byte datagram against ~2.0 µs with one {@code sendto} each).
 *
 * <p>The JDK has neither the option nor {@code sendmsg}, so the call goes through JNA on the file descriptor of
 * the JDK channel, which the JDK only reveals to code given {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}
 * (bin/setenv passes it). One sender per socket, used by the socket's event loop only: its native buffers are
 * reused without locks.
 */
public final class SegmentedSender {
    /** At most this many datagrams per call: the kernel's UDP_MAX_SEGMENTS is 64 on older kernels, 128 later. */
    public static final int MAX_SEGMENTS = 64;
    /** At most this many bytes per call: the whole burst travels as one UDP datagram of at most 64 KiB. */
    public static final int MAX_BYTES = 63 * 1024;

    // msghdr at 0 (56 bytes), iovec at 64 (16), sockaddr at 80 (up to 28), cmsghdr + u16 at 112 (CMSG_SPACE(2) = 24)
    private static final int IOV = 64;
    private static final int ADDR = 80;
    private static final int CMSG = 112;
    private static final int CMSG_SPACE_U16 = 24;
    private static final int CMSG_LEN_U16 = 18;

    private final DatagramChannel channel;
    private final int fd;
    private final int family;
    private final ByteBuffer control = ByteBuffer.allocateDirect(256).order(ByteOrder.nativeOrder());
    private final long controlAddress;
    private InetSocketAddress lastDestination;
    private ByteBuffer lastBuffer;
    private long lastBufferAddress;

    private SegmentedSender(DatagramChannel channel, int fd, int family) {
        this.channel = channel;
        this.fd = fd;
        this.family = family;
        this.controlAddress = Pointer.nativeValue(Native.getDirectBufferPointer(control));
        control.putLong(0, controlAddress + ADDR); // msg_name
        control.putLong(16, controlAddress + IOV); // msg_iov
        control.putLong(24, 1); // msg_iovlen
        control.putLong(32, controlAddress + CMSG); // msg_control
        control.putLong(40, CMSG_SPACE_U16); // msg_controllen
        control.putInt(48, 0); // msg_flags
        control.putLong(CMSG, CMSG_LEN_U16);
        control.putInt(CMSG + 8, LibC.SOL_UDP);
        control.putInt(CMSG + 12, LibC.UDP_SEGMENT);
    }

    /**
     * A sender on {@code channel}'s socket.
     *
     * @throws UnsupportedOperationException with the reason when this JVM or platform cannot do it
     */
    public static SegmentedSender on(DatagramChannel channel) {
        if (LibC.UNAVAILABLE != null) {
            throw new UnsupportedOperationException(LibC.UNAVAILABLE);
        }
        int fd = fileDescriptor(channel);
        ByteBuffer value = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(value));
        value.putInt(8, 4);
        try {
            LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_DOMAIN, address, address + 8);
        } catch (LastErrorException e) {
            throw new UnsupportedOperationException("getsockopt(SO_DOMAIN) failed: " + e.getMessage());
        }
        int family = value.getInt(0);
        if (family != LibC.AF_INET && family != LibC.AF_INET6) {
            throw new UnsupportedOperationException("socket family " + family + " is neither AF_INET nor AF_INET6");
        }
        return new SegmentedSender(channel, fd, family);
    }

    /** Why {@link #on} would refuse on this JVM, checked without a socket; null when it should work. */
    public static String unavailableReason() {
        if (LibC.UNAVAILABLE != null) {
            return LibC.UNAVAILABLE;
        }
        try {
            fdMethod();
            return null;
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        }
    }

    private static int fileDescriptor(DatagramChannel channel) {
        try {
            return (int) fdMethod().invoke(channel);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new UnsupportedOperationException("cannot read the socket's file descriptor: " + e);
        }
    }

    private static Method fdMethod() {
        try {
            // SelChImpl is the JDK's interface of selectable channels; getFDVal is public in an unexported package.
            Method m = Class.forName("sun.nio.ch.SelChImpl", false, null).getMethod("getFDVal");
            if (!m.getDeclaringClass().getModule().isExported("sun.nio.ch", SegmentedSender.class.getModule())) {
                throw new UnsupportedOperationException("the JVM runs without --add-exports java.base/sun.nio.ch=ALL-UNNAMED");
            }
            return m;
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("this JDK has no sun.nio.ch.SelChImpl.getFDVal: " + e);
        }
    }

    /**
     * Sends {@code datagrams} (a direct buffer, from its position to its limit) to {@code to} as datagrams of
     * {@code segmentBytes} each, the last one possibly shorter; the buffer's position does not move.
     *
     * @return the bytes sent, 0 when the socket's send buffer is full (nothing was sent)
     * @throws SegmentationRefused when the kernel refuses segmentation on this socket (old kernel, a device without
     *                             checksum offload, on older kernels also a segment above the path's MTU): send the
     *                             datagrams one by one, and every later burst too
     * @throws SegmentAboveMtu     when a segment does not fit the MTU of the path to {@code to} (EMSGSIZE): send
     *                             these datagrams one by one (IP fragments them), keep segmenting for other paths
     * @throws IOException         on any other error of the send (the destination is unreachable, the channel is
     *                             closed, ...)
     */
    public int send(ByteBuffer datagrams, int segmentBytes, InetSocketAddress to) throws IOException {
        int length = datagrams.remaining();
        if (!datagrams.isDirect() || segmentBytes <= 0 || length > MAX_BYTES
                || (length + segmentBytes - 1) / segmentBytes > MAX_SEGMENTS) {
            throw new IllegalArgumentException("a burst of " + length + " bytes in segments of " + segmentBytes
                    + " (direct " + datagrams.isDirect() + ")");
        }
        if (!channel.isOpen()) {
            // A closed channel's descriptor number may already belong to another file or socket: never write to it.
            throw new java.nio.channels.ClosedChannelException();
        }
        if (to != lastDestination) {
            control.putInt(8, Sockaddr.encode(control, ADDR, family, to)); // msg_namelen
            lastDestination = to;
        }
        if (datagrams != lastBuffer) { // a JNI call and an object: once per buffer, not per send
            lastBufferAddress = Pointer.nativeValue(Native.getDirectBufferPointer(datagrams));
            lastBuffer = datagrams;
        }
        control.putLong(IOV, lastBufferAddress + datagrams.position());
        control.putLong(IOV + 8, length);
        control.putShort(CMSG + 16, (short) segmentBytes);
        try {
            return (int) LibC.sendmsg(fd, controlAddress, LibC.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == LibC.EAGAIN) {
                return 0;
            }
            if (errno == LibC.EMSGSIZE) {
                throw new SegmentAboveMtu("sendmsg with UDP_SEGMENT " + segmentBytes + " to " + to + ": " + e.getMessage());
            }
            if (errno == LibC.EIO || errno == LibC.EINVAL || errno == LibC.ENOPROTOOPT || errno == LibC.EOPNOTSUPP) {
                throw new SegmentationRefused("sendmsg with UDP_SEGMENT " + segmentBytes + " to " + to + ": " + e.getMessage());
            }
            throw new IOException("sendmsg to " + to + ": " + e.getMessage());
        }
    }

    /**
     * A segment plus its headers is larger than the MTU of the route to this destination (a tunnel, a learned path
     * MTU, a payload limit above 1,400 bytes): the kernel segments only what needs no IP fragmentation. The caller
     * sends these datagrams one per call, which IP may fragment; other destinations keep their segmented sends.
     */
    public static final class SegmentAboveMtu extends IOException {
        private static final long serialVersionUID = 1L;

        public SegmentAboveMtu(String message) {
            super(message);
        }
    }

    /** The kernel or the route cannot segment: the caller sends one datagram per call instead. */
    public static final class SegmentationRefused extends IOException {
        private static final long serialVersionUID = 1L;

        public SegmentationRefused(String message) {
            super(message);
        }
    }
}
