package org.stateos.api.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;

/**
 * Binds a listening socket, retrying for a moment while the port is still held. Why: when a bundle is updated or
 * its configuration changes, the server being replaced may close its socket a moment after the new one binds.
 */
public final class ServerBinding {

    /** How long a busy port is retried by default. */
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(3);
    private static final long PAUSE_MILLIS = 50;

    private ServerBinding() {}

    /**
     * Binds {@code bootstrap} (its group and channel already set) to {@code address}.
     *
     * @param what     what listens, for the error message ("HTTP server")
     * @param retryFor how long a port in use is retried; other failures are not retried
     * @return the bound channel
     * @throws IOException when the address cannot be resolved or bound, with the address in the message
     */
    public static Channel bind(AbstractBootstrap<?, ?> bootstrap, InetSocketAddress address, String what,
                               Duration retryFor) throws IOException {
        if (address.isUnresolved()) {
            throw new IOException(what + ": cannot resolve bind address '" + address.getHostString() + "'");
        }
        EventLoopGroup group = bootstrap.config().group();
        long retryEnd = System.nanoTime() + retryFor.toNanos();
        while (true) {
            ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
            if (bound.isSuccess()) {
                return bound.channel();
            }
            bound.channel().close().awaitUninterruptibly();
            if (!(bound.cause() instanceof BindException) || System.nanoTime() > retryEnd) {
                throw new IOException(what + " cannot listen on " + address.getHostString() + ":" + address.getPort()
                        + ": " + bound.cause().getMessage(), bound.cause());
            }
            // Pause on the group's timer rather than Thread.sleep: the caller may be a DS activation thread.
            group.next().schedule(() -> { }, PAUSE_MILLIS, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
    }
}
