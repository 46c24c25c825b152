package org.stateos.rtmp.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.net.ServerBinding;
import org.stateos.api.media.MediaService;
import org.stateos.rtmp.internal.chunk.ChunkDecoder;
import org.stateos.rtmp.internal.chunk.ChunkEncoder;
import org.stateos.rtmp.internal.chunk.HandshakeDecoder;
import org.stateos.rtmp.internal.session.ByteCounter;
import org.stateos.rtmp.internal.session.RtmpSession;
import org.stateos.rtmp.internal.session.SessionSnapshot;

/**
 * The RTMP server on a shared Netty event loop group. Plain class (no OSGi): {@link RtmpServerComponent} drives it
 * in the container, tests construct it directly. It starts no thread of its own.
 *
 * <p>Pipeline of a connection: idle timeout → byte counter and acknowledgements → handshake → chunk decoder →
 * chunk encoder (outbound) → {@link RtmpSession} (messages, commands, media). Every handler is made per
 * connection and nothing is cached statically, so a bundle update leaves no class of this bundle behind in the
 * event loop's threads once {@link #close()} has closed the connections.
 */
public final class RtmpServer implements RtmpSessions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);
    /** Chunk streams with a message in progress a connection may hold (publishers use 3 or 4). */
    static final int MAX_CHUNK_STREAMS = 32;
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final RtmpSettings settings;
    private final EventLoopGroup group;
    private final MediaService media;
    private final Map<Channel, RtmpSession> connections = new ConcurrentHashMap<>();
    private final RtmpSession.Context sessionContext;
    private volatile Channel serverChannel;
    private volatile boolean closed;

    public RtmpServer(RtmpSettings settings, EventLoopGroup group, MediaService media) {
        this(settings, group, media, RtmpServer::wallMicros);
    }

    RtmpServer(RtmpSettings settings, EventLoopGroup group, MediaService media, LongSupplier wallMicros) {
        this.settings = settings;
        this.group = group;
        this.media = media;
        this.sessionContext = new RtmpSession.Context(media, settings.application(), settings.allowedKeys(),
                settings.chunkSize(), settings.ackWindow(), wallMicros);
    }

    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Binds the listening socket (retrying for a moment while a previous instance still holds the port). */
    public synchronized void start() throws IOException {
        if (serverChannel != null || closed) {
            throw new IllegalStateException("an RTMP server starts once");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Initializer());
        serverChannel = ServerBinding.bind(bootstrap, new InetSocketAddress(settings.bindAddress(), settings.port()),
                "RTMP server", ServerBinding.DEFAULT_RETRY);
        LOG.info("RTMP server listening on {} (application '{}', {}, max message {} bytes)", localAddress(),
                settings.application(), settings.allowedKeys().isEmpty() ? "any stream key"
                        : settings.allowedKeys().size() + " allowed stream keys", settings.maxMessageSize());
    }

    @Override
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    @Override
    public List<SessionSnapshot> sessions() {
        List<SessionSnapshot> list = new ArrayList<>();
        for (RtmpSession s : connections.values()) {
            list.add(s.snapshot());
        }
        return list;
    }

    /** Closes the listening socket and every connection (their publications close), and waits until they are. */
    @Override
    public void close() {
        closed = true;
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel c : connections.keySet()) {
            closing.add(c.close());
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        }
        if (ch != null) {
            LOG.info("RTMP server on {} stopped", ch.localAddress());
        }
    }

    private final class Initializer extends ChannelInitializer<SocketChannel> {
        @Override
        protected void initChannel(SocketChannel ch) {
            if (closed || connections.size() >= settings.maxConnections()) {
                LOG.warn("RTMP connection from {} refused: {}", ch.remoteAddress(),
                        closed ? "server stopping" : settings.maxConnections() + " connections open");
                ch.close();
                return;
            }
            ByteCounter counter = new ByteCounter(settings.ackWindow());
            RtmpSession session = new RtmpSession(sessionContext, counter);
            connections.put(ch, session);
            ch.closeFuture().addListener(f -> connections.remove(ch));
            ch.pipeline().addLast("idle", new IdleStateHandler(settings.idleTimeoutSeconds(), 0, 0));
            ch.pipeline().addLast("bytes", counter);
            ch.pipeline().addLast("handshake", new HandshakeDecoder(settings.handshakeTimeoutMillis()));
            ch.pipeline().addLast("chunks", new ChunkDecoder(settings.maxMessageSize(), MAX_CHUNK_STREAMS));
            ch.pipeline().addLast("chunk-encoder", new ChunkEncoder());
            ch.pipeline().addLast("session", session);
        }
    }
}
