package org.stateos.webrtc.internal.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;

/**
 * Not a unit test: per-packet cost of SRTP protect (and unprotect) on this JDK, 1200-byte payloads, one thread,
 * each profile measured in turn, best of three runs after a warm-up. Run with the test classpath:
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.stateos.webrtc.internal.srtp.SrtpProtectBench
 * </pre>
 * The packet is protected in place again and again (with a new sequence number each time, so every GCM nonce
 * differs), the way the send path does it: one direct buffer, no copy.
 */
public final class SrtpProtectBench {
    private SrtpProtectBench() {
    }

    public static void main(String[] args) throws Exception {
        int payload = args.length > 0 ? Integer.parseInt(args[0]) : 1200;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        System.out.printf("SRTP on %s %s, %d-byte payload, %d ms per run%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), payload, millis);
        for (int pass = 0; pass < 2; pass++) {
            for (SrtpProfile p : SrtpProfile.values()) {
                double protect = 0;
                double unprotect = 0;
                for (int run = 0; run < 3; run++) {
                    protect = Math.max(protect, protectRate(p, payload, millis));
                    unprotect = Math.max(unprotect, unprotectRate(p, payload, millis));
                }
                if (pass == 1) {
                    System.out.printf("%-26s protect %8.0f pkt/s (%5.2f us/pkt, %6.0f Mbit/s)   unprotect %8.0f pkt/s%n", p,
                            protect, 1e6 / protect, protect * payload * 8 / 1e6, unprotect);
                }
            }
        }
    }

    private static double protectRate(SrtpProfile p, int payload, long millis) throws SrtpException {
        SrtpContext tx = new SrtpContext(p, new byte[p.keyBytes], new byte[p.saltBytes]);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(12 + payload + 32);
        try {
            long n = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long start = System.nanoTime();
            while ((n & 255) != 0 || System.nanoTime() < end) {
                b.clear();
                b.writeByte(0x80).writeByte(96).writeShort((int) n).writeInt((int) n * 3000).writeInt(0x12345678);
                b.writerIndex(12 + payload);
                tx.protectRtp(b);
                n++;
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            b.release();
        }
    }

    private static double unprotectRate(SrtpProfile p, int payload, long millis) throws SrtpException {
        // Protect a batch first, then time unprotecting copies of it into one reused buffer.
        SrtpContext tx = new SrtpContext(p, new byte[p.keyBytes], new byte[p.saltBytes]);
        int batch = 4096;
        ByteBuf[] packets = new ByteBuf[batch];
        for (int i = 0; i < batch; i++) {
            packets[i] = PooledByteBufAllocator.DEFAULT.directBuffer(12 + payload + 32);
            packets[i].writeByte(0x80).writeByte(96).writeShort(i).writeInt(i).writeInt(0x12345678).writeZero(payload);
            tx.protectRtp(packets[i]);
        }
        ByteBuf work = PooledByteBufAllocator.DEFAULT.directBuffer(12 + payload + 32);
        try {
            long n = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                SrtpContext rx = new SrtpContext(p, new byte[p.keyBytes], new byte[p.saltBytes]); // fresh replay window
                for (ByteBuf packet : packets) {
                    work.clear();
                    work.writeBytes(packet, packet.readerIndex(), packet.readableBytes());
                    rx.unprotectRtp(work);
                }
                n += batch;
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            work.release();
            for (ByteBuf packet : packets) {
                packet.release();
            }
        }
    }
}
