package org.stateos.webrtc.internal.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only handler of the shared WebRTC UDP channel: sorts every datagram by its first byte (RFC 7983) and hands
 * it to the {@link DemuxTarget}; always releases it afterwards. A plain {@code ChannelInboundHandlerAdapter}
 * (not a {@code SimpleChannelInboundHandler}) so no type matcher pins this bundle's class loader in the shared
 * event loop threads.
 */
public final class DatagramDemux extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramDemux.class);
    private final DemuxTarget target;

    public DatagramDemux(DemuxTarget target) {
        this.target = target;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet) {
                switch (PacketKind.classify(packet.content())) {
                    case STUN -> target.onStun(ctx, packet.content(), packet.sender());
                    case DTLS -> target.onDtls(ctx, packet.content(), packet.sender());
                    case RTP -> target.onSrtp(ctx, packet.content(), packet.sender(), false);
                    case RTCP -> target.onSrtp(ctx, packet.content(), packet.sender(), true);
                    case UNKNOWN -> target.onUnknown(packet.content(), packet.sender());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable from a departed peer surfaces as a PortUnreachableException: not our failure.
        if (cause instanceof IOException) {
            LOG.debug("WebRTC UDP socket: {}", cause.toString());
        } else {
            LOG.warn("WebRTC UDP datagram handling failed", cause);
        }
    }
}
