package org.stateos.loadclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.stateos.webrtc.internal.stun.StunIntegrity;

/**
 * One thread and one {@link Selector} driving many viewers' {@code DatagramChannel}s: reads every datagram as it
 * arrives, and every {@link #TICK_NANOS} runs each viewer's timers (ICE retransmissions, consent, RTCP, NACK).
 * Its buffers are reused for every datagram: a received packet is decrypted in place, nothing is allocated per
 * RTP packet.
 */
public final class Reactor implements Runnable {
    static final long TICK_NANOS = 20_000_000L;

    final byte[] in = new byte[2048];
    final ByteBuffer inNio = ByteBuffer.wrap(in);
    final ByteBuf inBuf = Unpooled.wrappedBuffer(in);
    final ByteBuf out = Unpooled.buffer(1500);
    final StunIntegrity integrity = new StunIntegrity();

    private final Selector selector;
    private final ConcurrentLinkedQueue<Viewer> joining = new ConcurrentLinkedQueue<>();
    private final List<Viewer> viewers = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long cpuNanos;

    public Reactor(int index) throws IOException {
        selector = Selector.open();
        thread = new Thread(this, "load-reactor-" + index);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Adds a viewer whose channel is open, non-blocking and connected; thread-safe. */
    public void add(Viewer v) {
        joining.add(v);
        selector.wakeup();
    }

    /** Stops the loop and waits for it; afterwards every viewer's state can be read from any thread. */
    public void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(5000);
    }

    /** CPU time of this reactor's thread, read when it stopped. */
    public long cpuNanos() {
        return cpuNanos;
    }

    @Override
    public void run() {
        long nextTick = System.nanoTime();
        try {
            while (running) {
                Viewer v;
                while ((v = joining.poll()) != null) {
                    try {
                        v.channel().register(selector, SelectionKey.OP_READ, v);
                        viewers.add(v);
                    } catch (IOException e) {
                        v.fail("register: " + e);
                    }
                }
                long wait = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000L);
                selector.select(wait);
                long now = System.nanoTime();
                for (SelectionKey k : selector.selectedKeys()) {
                    ((Viewer) k.attachment()).onReadable(this, now);
                }
                selector.selectedKeys().clear();
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_NANOS;
                    for (Viewer each : viewers) {
                        each.tick(this, now);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Viewer each : viewers) {
                each.fail("reactor: " + e);
            }
        } finally {
            cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
