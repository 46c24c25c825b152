package org.stateos.webrtc.internal.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;

/**
 * Where {@link DatagramDemux} hands each datagram, by kind. Called on the channel's event loop; the content is
 * released by the demultiplexer when the call returns (a target that keeps bytes copies them or retains).
 */
public interface DemuxTarget {
    void onStun(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender);

    void onDtls(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender);

    void onSrtp(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress sender, boolean rtcp);

    /** A datagram of no kind we speak; dropped. */
    void onUnknown(ByteBuf content, InetSocketAddress sender);
}
