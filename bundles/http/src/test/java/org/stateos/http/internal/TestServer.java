package org.stateos.http.internal;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.stateos.http.HttpRoute;

/** A real server on an ephemeral port with its own event loop group, and a java.net.http client for it. */
final class TestServer implements AutoCloseable {
    static final String LOOP_THREAD_PREFIX = "test-loop";
    static final int MAX_BODY = 1024;

    final NioEventLoopGroup group;
    final HttpServer server;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    TestServer() {
        this(settings());
    }

    TestServer(HttpServerSettings settings) {
        this(settings, new NioEventLoopGroup(2, new DefaultThreadFactory(LOOP_THREAD_PREFIX)));
    }

    TestServer(HttpServerSettings settings, NioEventLoopGroup group) {
        this.group = group;
        this.server = new HttpServer(settings, group);
        try {
            server.start();
        } catch (IOException e) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            throw new UncheckedIOException(e);
        }
    }

    static HttpServerSettings settings() {
        return new HttpServerSettings("127.0.0.1", 0, MAX_BODY, Duration.ofSeconds(30), 100, Duration.ofMillis(500));
    }

    int port() {
        return server.localAddress().getPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    HttpServer.RouteHandle route(HttpRoute route, Object... keyValues) {
        return server.addRoute(route, props(keyValues), "test.bundle");
    }

    static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    }

    RawHttp raw() throws IOException {
        return new RawHttp(port());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
