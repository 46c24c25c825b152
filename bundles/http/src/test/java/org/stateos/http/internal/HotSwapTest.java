package org.stateos.http.internal;

import org.stateos.testsupport.LeakCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.InternalThreadLocalMap;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;

/**
 * The bundle will be updated many times in a running node: the server must come and go on the node's shared
 * event loop group without leaving threads, connections, buffers or references to its classes behind.
 */
class HotSwapTest {
    private static final int CYCLES = 20;

    @Test
    void startsAndStopsTwentyTimesOnOneSharedGroupLeavingNothingBehind() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        NioEventLoopGroup shared = new NioEventLoopGroup(2, new DefaultThreadFactory("shared-loop"));
        List<ByteBuf> lateBodies = new ArrayList<>();
        int port = 0;
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                HttpServerSettings settings = new HttpServerSettings("127.0.0.1", port, 1024, Duration.ofSeconds(30), 100,
                        Duration.ofMillis(100));
                HttpServer server = new HttpServer(settings, shared);
                server.start();
                port = server.localAddress().getPort();
                CompletableFuture<HttpExchange> pending = new CompletableFuture<>();
                server.addRoute(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "cycle"),
                        TestServer.props(HttpRoute.PREFIX, "/a"), "test.bundle");
                server.addRoute(pending::complete, TestServer.props(HttpRoute.PREFIX, "/never"), "test.bundle");

                try (RawHttp idle = new RawHttp(port); RawHttp used = new RawHttp(port); RawHttp waiting = new RawHttp(port)) {
                    assertEquals("cycle", used.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").read().body());
                    waiting.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
                    HttpExchange ex = pending.get(10, TimeUnit.SECONDS);

                    server.close();

                    assertTrue(idle.closedByServer(), "idle connection closed");
                    assertTrue(used.closedByServer(), "used connection closed");
                    assertTrue(waiting.closedByServer(), "connection with a request in progress closed");
                    assertFalse(ex.isOpen());
                    // A route answering after the server went away: its buffer must still be released.
                    ByteBuf late = ex.alloc().directBuffer(64).writeZero(64);
                    lateBodies.add(late);
                    ex.respond(HttpResponseStatus.OK, "application/octet-stream", late);
                    // respond() from outside the loop hands the write to the loop: let it run before counting.
                    ex.executor().submit(() -> { }).get(10, TimeUnit.SECONDS);
                }
                assertEquals(0, server.openConnections());
                try (ServerSocket probe = new ServerSocket()) { // released the moment close() returned
                    probe.setReuseAddress(true);
                    probe.bind(new InetSocketAddress("127.0.0.1", port));
                }
            }
            for (ByteBuf late : lateBodies) {
                assertEquals(0, late.refCnt(), "late answer released");
            }
            assertNoClassOfThisBundleCachedIn(shared);
        } finally {
            shared.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        assertNoThreadLeft(before);
        LeakCheck.assertNoLeaks();
    }

    /** Netty caches per event-loop thread; an entry keyed by one of our classes would pin the old bundle. */
    private static void assertNoClassOfThisBundleCachedIn(NioEventLoopGroup group) throws Exception {
        for (EventExecutor loop : group) {
            List<String> pinned = loop.submit(() -> {
                InternalThreadLocalMap map = InternalThreadLocalMap.get();
                List<String> ours = new ArrayList<>();
                for (Class<?> c : map.typeParameterMatcherFindCache().keySet()) {
                    if (c.getName().startsWith("org.stateos.")) {
                        ours.add(c.getName());
                    }
                }
                for (Class<?> c : map.typeParameterMatcherGetCache().keySet()) {
                    if (c.getName().startsWith("org.stateos.")) {
                        ours.add(c.getName());
                    }
                }
                return ours;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(pinned.isEmpty(), "classes pinned in event loop thread caches: " + pinned);
        }
    }

    /** Threads started since {@code before} must end (each is joined until a 10 s deadline). */
    private static void assertNoThreadLeft(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Thread> extra = new ArrayList<>();
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(th) && !th.getName().startsWith("HttpClient-")) { // java.net.http of other tests
                extra.add(th);
            }
        }
        for (Thread th : extra) {
            th.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        List<String> alive = extra.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList());
        assertTrue(alive.isEmpty(), "threads left behind: " + alive);
    }
}
