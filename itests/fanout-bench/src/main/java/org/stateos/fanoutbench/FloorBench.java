package org.stateos.fanoutbench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.Locale;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpProfile;
import org.stateos.webrtc.internal.udp.SegmentedSender;

/**
 * The floor: what the node's own per-packet work costs at best on this machine, one thread, no Netty, no fan-out
 * logic. Per packet: {@link SrtpContext#protectRtp} of a 1212-byte RTP packet (12-byte header + 1200 payload, the
 * node's {@code rtp.max.payload.bytes}) in a reused direct buffer, then {@link DatagramChannel#send} on loopback
 * to a sink socket that another process (pinned to the client's core) drains. Also protect alone and send alone.
 *
 * <pre>java -cp ... FloorBench sink PORT SECONDS     (prints the datagrams it drained)
 * java -cp ... FloorBench send PORT SECONDS        (prints one JSON object per mode)</pre>
 *
 * CPU is this thread's CPU time (user + system, which on loopback includes the receive-side softirq work the
 * kernel runs in the sender's context), divided by packets; each mode runs for SECONDS of CPU time after 1.5 s of
 * CPU time of warm-up. packets/s is packets per CPU second (what one core would do alone); the wall-clock rate,
 * lower on a shared core, is reported beside it.
 */
public final class FloorBench {
    static final int HEADER = 12;
    static final int PAYLOAD = 1200;
    static final String[] MODES = {"send", "gcm", "ctr_hmac", "gcm+send", "ctr_hmac+send", "send_woken", "gcm+send_woken",
            "gcm+send_fanout", "ctr_hmac+send_fanout", "gcm+gso_fanout", "ctr_hmac+gso_fanout"};
    /** "_fanout" modes: this many destinations, each a socket of its own in the sink, each with its own SRTP keys. */
    static final int FANOUT_SOCKETS = 100;
    /**
     * "_fanout" modes: packets sent to one destination before moving to the next. The node sends a frame's packets
     * to one viewer, then to the next; a P-frame of the bench's 2.5 Mbit/s 30 fps stream is ~8 packets.
     */
    static final int FANOUT_RUN = 8;

    private FloorBench() {
    }

    /** One mode's figures. */
    public record Result(String mode, long packets, double wallSeconds, double cpuSeconds, long allocatedBytes) {
        /** Per second of this thread's CPU: the rate one whole core would sustain. */
        public double packetsPerSecond() {
            return packets / cpuSeconds;
        }

        public double cpuMicrosPerPacket() {
            return cpuSeconds * 1e6 / packets;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"packets\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
                    + "\"packets_per_s\":%.0f,\"packets_per_wall_s\":%.0f,\"cpu_us_per_packet\":%.3f,"
                    + "\"heap_bytes_per_packet\":%.0f}", mode, packets, wallSeconds, cpuSeconds, packetsPerSecond(),
                    packets / wallSeconds, cpuMicrosPerPacket(), allocatedBytes < 0 ? -1.0 : (double) allocatedBytes / packets);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: FloorBench sink|send PORT SECONDS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        if (args[0].equals("sink")) {
            sink(port, seconds);
            return;
        }
        for (String mode : MODES) {
            // "_woken": to the sink's blocking socket; "_fanout": round robin over the sink's selector sockets (see sink)
            InetSocketAddress[] sinks;
            if (mode.endsWith("_fanout")) {
                sinks = new InetSocketAddress[FANOUT_SOCKETS];
                for (int i = 0; i < sinks.length; i++) {
                    sinks[i] = new InetSocketAddress("127.0.0.1", port + 2 + i);
                }
            } else {
                sinks = new InetSocketAddress[] {new InetSocketAddress("127.0.0.1", mode.endsWith("_woken") ? port + 1 : port)};
            }
            measure(mode, sinks, 1.5); // warm-up: JIT, cipher init paths
            System.out.println(measure(mode, sinks, seconds).json());
        }
    }

    /**
     * Drains two sockets until {@code seconds} pass or the process is ended: PORT by a thread that spins on a
     * non-blocking receive (the sender never has a sleeping receiver to wake), PORT+1 by a thread blocked in
     * receive, as every real receiver sleeps (the load client in its selector): on loopback the sender pays the
     * wake-up in its own context. Both stay up between the sender's modes, so every send mode reaches a socket
     * (a sink that left after an idle spell would turn the later modes into ICMP port-unreachable sends). Prints
     * the counts when it ends. PORT+2 .. PORT+1+{@value #FANOUT_SOCKETS}: one socket per simulated viewer, all
     * drained by one thread in one {@link java.nio.channels.Selector}, as the load client's reactor drains its
     * viewers' sockets.
     */
    static void sink(int port, double seconds) throws Exception {
        DatagramChannel spin = DatagramChannel.open();
        DatagramChannel woken = DatagramChannel.open();
        for (DatagramChannel ch : new DatagramChannel[] {spin, woken}) {
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        }
        spin.bind(new InetSocketAddress("127.0.0.1", port));
        woken.bind(new InetSocketAddress("127.0.0.1", port + 1));
        spin.configureBlocking(false);
        java.util.concurrent.atomic.AtomicLong spun = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong woke = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong selected = new java.util.concurrent.atomic.AtomicLong();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("sink drained " + spun.get()
                + " (spinning, port " + port + ") " + woke.get() + " (blocking, port " + (port + 1) + ") " + selected.get()
                + " (" + FANOUT_SOCKETS + " sockets in a selector, ports " + (port + 2) + "+)")));
        Thread blocking = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(2048);
            try {
                while (true) {
                    b.clear();
                    woken.receive(b);
                    woke.incrementAndGet();
                }
            } catch (java.io.IOException closed) {
                // the process ends
            }
        }, "sink-blocking");
        blocking.setDaemon(true);
        blocking.start();
        java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        for (int i = 0; i < FANOUT_SOCKETS; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", port + 2 + i));
            ch.configureBlocking(false);
            ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
        }
        Thread fanout = new Thread(() -> {
            ByteBuffer fb = ByteBuffer.allocateDirect(2048);
            try {
                while (true) {
                    selector.select();
                    for (java.nio.channels.SelectionKey k : selector.selectedKeys()) {
                        DatagramChannel ch = (DatagramChannel) k.channel();
                        for (fb.clear(); ch.receive(fb) != null; fb.clear()) {
                            selected.incrementAndGet();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (java.io.IOException closed) {
                // the process ends
            }
        }, "sink-selector");
        fanout.setDaemon(true);
        fanout.start();
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        System.out.println("sink ready");
        System.out.flush();
        while (System.nanoTime() < deadline) {
            b.clear();
            if (spin.receive(b) != null) {
                spun.incrementAndGet();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    static Result measure(String mode, InetSocketAddress[] sinks, double seconds) throws Exception {
        // "gso": each run of packets to one destination protected back to back into one buffer and sent with one
        // sendmsg (UDP_SEGMENT), as the node's segmented sends do (SegmentedSender); "send": one send per packet.
        boolean gso = mode.contains("gso");
        boolean send = mode.contains("send");
        // One SRTP context per destination, as the node keeps one per viewer: the fan-out modes touch as many keys.
        SrtpContext[] contexts = new SrtpContext[sinks.length];
        if (mode.startsWith("gcm") || mode.startsWith("ctr_hmac")) {
            SrtpProfile profile = mode.startsWith("gcm") ? SrtpProfile.AEAD_AES_128_GCM : SrtpProfile.AES_CM_128_HMAC_SHA1_80;
            SecureRandom r = new SecureRandom();
            for (int i = 0; i < contexts.length; i++) {
                byte[] key = new byte[profile.keyBytes];
                byte[] salt = new byte[profile.saltBytes];
                r.nextBytes(key);
                r.nextBytes(salt);
                contexts[i] = new SrtpContext(profile, key, salt);
            }
        }
        int run = sinks.length > 1 || gso ? FANOUT_RUN : 256;
        ByteBuf p = Unpooled.directBuffer(HEADER + PAYLOAD + 16);
        p.writeByte(0x80).writeByte(96).writeShort(0).writeInt(0).writeInt(0x1234_5678);
        p.writeZero(PAYLOAD);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        java.nio.ByteBuffer burst = java.nio.ByteBuffer.allocateDirect(SegmentedSender.MAX_BYTES);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.configureBlocking(false); // as Netty's NIO datagram channel
            SegmentedSender segmented = gso ? SegmentedSender.on(ch) : null;
            long packets = 0;
            int[] seqs = new int[sinks.length]; // each destination's own sequence, as each viewer's RTP stream has
            java.util.Arrays.fill(seqs, 1000);
            long timestamp = 0;
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long heapStart = allocatedBytes(threads);
            // The budget is CPU time, not wall time: on a shared core the thread may get a fraction of it, and the
            // warm-up must still reach the JIT's compiled code.
            long budget = (long) (seconds * 1e9);
            int d = 0;
            while (true) {
                InetSocketAddress sink = sinks[d];
                SrtpContext ctx = contexts[d];
                int dest = d;
                d = (d + 1) % sinks.length;
                burst.clear();
                int segment = 0;
                for (int i = 0; i < run; i++) {
                    int seq = seqs[dest] = (seqs[dest] + 1) & 0xFFFF;
                    timestamp += 3000;
                    p.setIndex(0, HEADER + PAYLOAD);
                    p.setShort(2, seq);
                    p.setInt(4, (int) timestamp);
                    if (ctx != null) {
                        ctx.protectRtp(p);
                    }
                    if (send) {
                        while (ch.send(p.nioBuffer(), sink) == 0) {
                            Thread.onSpinWait(); // socket buffer full: retry, the packet is counted once
                        }
                    } else if (gso) {
                        segment = p.readableBytes();
                        burst.put(p.nioBuffer()); // into one buffer per run, as the node copies each protected packet into its burst
                    }
                }
                if (gso) {
                    burst.flip();
                    while (segmented.send(burst, segment, sink) == 0) {
                        Thread.onSpinWait();
                    }
                }
                packets += run;
                // the CPU clock is a system call: read it every 256 packets, as before the fan-out modes existed
                if ((packets & 255) == 0 && threads.getCurrentThreadCpuTime() - cpuStart >= budget) {
                    break;
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            long heap = heapStart < 0 ? -1 : allocatedBytes(threads) - heapStart;
            return new Result(mode, packets, wall, cpu, heap);
        } finally {
            p.release();
        }
    }

    /**
     * Heap bytes this thread has allocated (HotSpot's counter), -1 where the JVM lacks it: garbage per packet is
     * what drives the node's young collections, so the floor shows what the protect call alone leaves behind.
     */
    private static long allocatedBytes(ThreadMXBean threads) {
        return threads instanceof com.sun.management.ThreadMXBean hs ? hs.getCurrentThreadAllocatedBytes() : -1;
    }
}
