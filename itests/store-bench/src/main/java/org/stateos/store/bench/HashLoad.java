package org.stateos.store.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * SHA-256 over 256 KiB blocks on several threads at a fixed total rate, until closed: the CPU work of the units'
 * ids at the store's put rate, without the store. Run beside fio it shows what that work alone does to the raw
 * device's figure on this machine (on a virtual machine whose disk is emulated by the host within the guest's CPU
 * budget, a busy guest slows its disk).
 */
final class HashLoad implements AutoCloseable {
    private static final int BLOCK = 256 * 1024;

    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder hashed = new LongAdder();
    private final long started = System.nanoTime();
    private volatile boolean running = true;
    private long stopped;

    private HashLoad(int threadCount, double megabytesPerSecond) {
        long nanosPerBlock = (long) (BLOCK / (megabytesPerSecond * 1e6 / threadCount) * 1e9);
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> hashUntilClosed(nanosPerBlock), "hash-load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** Starts {@code threadCount} threads hashing {@code megabytesPerSecond} (10^6 bytes) in total. */
    static HashLoad start(int threadCount, double megabytesPerSecond) {
        if (threadCount < 1 || !(megabytesPerSecond > 0)) {
            throw new IllegalArgumentException(threadCount + " threads at " + megabytesPerSecond + " MB/s");
        }
        HashLoad load = new HashLoad(threadCount, megabytesPerSecond);
        load.threads.forEach(Thread::start);
        return load;
    }

    private void hashUntilClosed(long nanosPerBlock) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] block = new byte[BLOCK];
        long next = System.nanoTime();
        while (running) {
            sha256.update(block);
            block[0] = sha256.digest()[0]; // each block differs from the last, as units do
            hashed.add(BLOCK);
            next += nanosPerBlock;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -nanosPerBlock * 8) {
                next = System.nanoTime(); // far behind (the CPU is taken): no catch-up burst
            }
        }
    }

    /** The rate achieved from start to close, MB/s. */
    double megabytesPerSecond() {
        long end = stopped == 0 ? System.nanoTime() : stopped;
        return hashed.sum() / ((end - started) / 1e9) / 1e6;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(5_000);
        }
        stopped = System.nanoTime();
    }
}
