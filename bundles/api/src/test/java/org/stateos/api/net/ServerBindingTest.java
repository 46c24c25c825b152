package org.stateos.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerBindingTest {

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ServerBootstrap bootstrap() {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter());
    }

    @Test
    void bindsAFreePort() throws IOException {
        Channel channel = ServerBinding.bind(bootstrap(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "test server", Duration.ZERO);
        try {
            assertTrue(((InetSocketAddress) channel.localAddress()).getPort() > 0);
        } finally {
            channel.close().syncUninterruptibly();
        }
    }

    @Test
    void waitsForAPortTheServerItReplacesStillHolds() throws Exception {
        ServerSocket previous = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = previous.getLocalPort();
        // The previous server lets go of the port a moment after the new one starts binding.
        group.next().schedule(() -> {
            previous.close();
            return null;
        }, 300, java.util.concurrent.TimeUnit.MILLISECONDS);
        Channel channel = ServerBinding.bind(bootstrap(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                "test server", Duration.ofSeconds(5));
        try {
            assertEquals(port, ((InetSocketAddress) channel.localAddress()).getPort());
        } finally {
            channel.close().syncUninterruptibly();
        }
    }

    @Test
    void aPortHeldTooLongIsAClearError() throws IOException {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.getLocalPort());
            IOException e = assertThrows(IOException.class,
                    () -> ServerBinding.bind(bootstrap(), address, "test server", Duration.ofMillis(200)));
            assertTrue(e.getMessage().startsWith("test server cannot listen on "), e.getMessage());
            assertTrue(e.getMessage().contains(":" + holder.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void anUnresolvableAddressIsAClearError() {
        InetSocketAddress address = InetSocketAddress.createUnresolved("no-such-host.invalid", 1);
        IOException e = assertThrows(IOException.class,
                () -> ServerBinding.bind(bootstrap(), address, "test server", Duration.ZERO));
        assertEquals("test server: cannot resolve bind address 'no-such-host.invalid'", e.getMessage());
    }
}
