package org.stateos.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.stateos.api.sched.RealtimeScheduling;

class SharedEventLoopGroupTest {

    @Test
    void namesItsThreadsEsrIoOneToN() throws Exception {
        SharedEventLoopGroup group = new SharedEventLoopGroup(3, 0, 2000);
        try {
            Set<String> names = new TreeSet<>();
            for (EventExecutor loop : group) {
                names.add(loop.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS));
            }
            assertEquals(Set.of("esr-io-1", "esr-io-2", "esr-io-3"), names);
        } finally {
            group.close();
        }
    }

    @Test
    void zeroThreadsMeansOnePerProcessor() {
        assertEquals(Runtime.getRuntime().availableProcessors(), SharedEventLoopGroup.threads(0));
        assertEquals(4, SharedEventLoopGroup.threads(4));
    }

    @Test
    void groupThreadsAskForTheConfiguredPriorityAndAZeroAsksForNothing() throws Exception {
        // What a plain thread gets when it asks for FIFO 7 in this process (FIFO 7 with CAP_SYS_NICE, the normal
        // policy without): each loop thread must be in that state; RealtimeSchedulingTest covers both outcomes.
        CompletableFuture<RealtimeScheduling.State> plain = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            RealtimeScheduling.fifo(7);
            try {
                plain.complete(RealtimeScheduling.currentThread());
            } catch (IOException e) {
                plain.completeExceptionally(e);
            }
        });
        probe.start();
        RealtimeScheduling.State expected = plain.get(10, TimeUnit.SECONDS);
        SharedEventLoopGroup group = new SharedEventLoopGroup(2, 7, 0, 2000);
        try {
            for (var loop : group) {
                assertEquals(expected, loop.submit(RealtimeScheduling::currentThread).get(5, TimeUnit.SECONDS));
            }
        } finally {
            group.close();
        }
        SharedEventLoopGroup normal = new SharedEventLoopGroup(1, 0, 0, 2000);
        try {
            assertEquals(RealtimeScheduling.SCHED_OTHER,
                    normal.next().submit(RealtimeScheduling::currentThread).get(5, TimeUnit.SECONDS).policy());
        } finally {
            normal.close();
        }
    }

    @Test
    void refusesToBeShutDownByAConsumer() throws Exception {
        SharedEventLoopGroup group = new SharedEventLoopGroup(1, 0, 2000);
        try {
            assertThrows(UnsupportedOperationException.class, group::shutdownGracefully);
            assertThrows(UnsupportedOperationException.class, () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
            assertThrows(UnsupportedOperationException.class, group::shutdownNow);
            assertFalse(group.isShuttingDown());
            assertEquals("still here", group.next().submit(() -> "still here").get(5, TimeUnit.SECONDS));
        } finally {
            group.close();
        }
        assertTrue(group.isTerminated());
    }

    @Test
    void twentyRestartsWithServingChannelsLeaveNoThreadBehind() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        for (int i = 0; i < 20; i++) {
            SharedEventLoopGroup group = new SharedEventLoopGroup(2, 0, 2000);
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            for (EventExecutor loop : group) {
                ((EventLoop) loop).submit(() -> { }).sync();
            }
            server.close().sync(); // consumers close their channels before DS deactivates the group
            group.close();
            assertTrue(group.isTerminated(), "restart " + i);
        }
        // A thread may still be leaving run() when its termination future completes: join with a deadline.
        List<String> alive = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t)) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    alive.add(t.getName());
                }
            }
        }
        assertEquals(List.of(), alive);
    }
}
