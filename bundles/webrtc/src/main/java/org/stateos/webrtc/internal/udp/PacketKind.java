package org.stateos.webrtc.internal.udp;

import io.netty.buffer.ByteBuf;

/**
 * What a datagram on the shared WebRTC port carries, from its first byte (RFC 7983 7, RFC 5761 4 for RTP vs RTCP).
 */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    /** Classifies the readable bytes of one datagram; a pure function, never reads past the first two bytes. */
    public static PacketKind classify(ByteBuf datagram) {
        if (!datagram.isReadable()) {
            return UNKNOWN;
        }
        int b = datagram.getUnsignedByte(datagram.readerIndex());
        if (b <= 3) {
            return STUN;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 128 && b <= 191) {
            if (datagram.readableBytes() < 2) {
                return UNKNOWN;
            }
            int pt = datagram.getUnsignedByte(datagram.readerIndex() + 1);
            // RTCP packet types 192..223 (SR 200, RR 201, SDES, BYE, APP, RTPFB 205, PSFB 206, XR 207 ...);
            // RTP payload types with the marker bit would collide only at 64..95, which RFC 5761 4 rules out.
            return pt >= 192 && pt <= 223 ? RTCP : RTP;
        }
        return UNKNOWN; // 64..79 TURN channels, 16..19 ZRTP, the rest reserved
    }
}
