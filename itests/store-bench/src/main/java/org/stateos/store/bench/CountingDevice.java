package org.stateos.store.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import org.stateos.store.internal.log.BlockDevice;

/**
 * Passes every call to the real device and counts writes, bytes and forces: the store's actual write pattern
 * (mean write size, writes per fdatasync) and the time spent in writes and forces, which the raw-device fio run then reproduces.
 */
final class CountingDevice implements BlockDevice {
    private final BlockDevice device;
    final LongAdder writes = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder forces = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    /** Time spent inside write and force (the store writes and forces from one thread): device busy time. */
    final LongAdder writeNanos = new LongAdder();
    final LongAdder forceNanos = new LongAdder();
    /** Time spent inside reads, summed over the reader threads: a get's time outside it is the store's own. */
    final LongAdder readNanos = new LongAdder();

    /** Positions and lengths of the first reads (up to 65536) while {@link #capture} is set: replayed by the Java pread diagnostic. */
    final long[] capturedPositions = new long[1 << 16];
    final int[] capturedLengths = new int[1 << 16];
    final java.util.concurrent.atomic.AtomicInteger captured = new java.util.concurrent.atomic.AtomicInteger();
    volatile boolean capture;

    CountingDevice(BlockDevice device) {
        this.device = device;
    }

    void reset() {
        writes.reset();
        bytesWritten.reset();
        forces.reset();
        reads.reset();
        bytesRead.reset();
        writeNanos.reset();
        forceNanos.reset();
        readNanos.reset();
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public int alignment() {
        return device.alignment();
    }

    @Override
    public boolean direct() {
        return device.direct();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (capture) {
            int i = captured.getAndIncrement();
            if (i < capturedPositions.length) {
                capturedPositions[i] = position;
                capturedLengths[i] = dst.remaining();
            }
        }
        long t0 = System.nanoTime();
        int n = device.read(dst, position);
        readNanos.add(System.nanoTime() - t0);
        reads.increment();
        bytesRead.add(n);
        return n;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        long t0 = System.nanoTime();
        device.write(src, position);
        writeNanos.add(System.nanoTime() - t0);
        writes.increment();
        bytesWritten.add(n);
    }

    @Override
    public void force() throws IOException {
        long t0 = System.nanoTime();
        device.force();
        forceNanos.add(System.nanoTime() - t0);
        forces.increment();
    }

    @Override
    public void close() throws IOException {
        device.close();
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
