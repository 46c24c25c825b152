package org.stateos.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.http.HttpRoute;

/** The connection pipeline on an EmbeddedChannel: deterministic, no sockets. */
class ConnectionHandlerTest {
    private NioEventLoopGroup group;
    private HttpServer server;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        group = new NioEventLoopGroup(1);
        server = new HttpServer(TestServer.settings(), group);
        server.addRoute(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "hello"), TestServer.props(HttpRoute.PREFIX, "/"),
                "test.bundle");
        channel = new EmbeddedChannel();
        server.initPipeline(channel.pipeline());
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        server.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound()) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    @Test
    void servesARequest() {
        String response = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
        assertTrue(response.endsWith("hello"), response);
        assertTrue(channel.isOpen());
    }

    @Test
    void answers503WhileStoppingAndCloses() {
        server.close();

        String response = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 503 Service Unavailable"), response);
        assertTrue(response.contains("connection: close"), response);
        assertTrue(response.contains("the server is stopping"), response);
        assertFalse(channel.isOpen());
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        String response = exchange("GET / HTTP/1.0\r\n\r\n");

        assertTrue(response.contains("200 OK"), response);
        assertTrue(response.contains("connection: close"), response);
        assertFalse(channel.isOpen());
    }

    @Test
    void http10KeepAliveIsKeptAlive() {
        String response = exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertTrue(response.contains("connection: keep-alive"), response);
        assertTrue(channel.isOpen());
    }

    @Test
    void tooLargeHeadersGet431() {
        String response = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(HttpServer.MAX_HEADER_SIZE + 10)
                + "\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 431"), response);
        assertFalse(channel.isOpen());
    }

    @Test
    void optionsStarIsAnswered() {
        String response = exchange("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 204"), response);
        assertNull(channel.readOutbound());
    }
}
