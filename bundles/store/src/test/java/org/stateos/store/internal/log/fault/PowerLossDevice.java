package org.stateos.store.internal.log.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.stateos.store.internal.log.BlockDevice;

/**
 * An in-memory {@link BlockDevice} that models a disk with a volatile write cache and a power switch.
 *
 * <p>Two images are kept: the <em>durable</em> image (what the platters hold) and the <em>visible</em> image
 * (what reads see: durable plus every write still in the cache). A write goes to the visible image and to an
 * ordered list of pending writes. {@link #force()} moves every write that completed before it started to the
 * durable image; a write that races with a force may or may not be covered, as on a real device.
 * {@link #cutPower(Random)} then decides what the platters got of the pending writes and kills this device:
 * every later call fails with an IOException, like I/O on a machine that has lost power. The engine is reopened
 * on a fresh device made from {@link #durableImage()}.
 *
 * <p>With an alignment above 1 the device enforces the direct-I/O rules the engine promises (positions and
 * lengths multiples of the alignment), so an engine bug that would get EINVAL from O_DIRECT fails here too.
 */
public final class PowerLossDevice implements BlockDevice {
    /** Sector size at which a real disk tears a write: a sector is written whole or not at all. */
    public static final int SECTOR = 512;

    /** What a power cut does to the writes still in the volatile cache. */
    public enum CutMode {
        /** Nothing of the pending writes reaches the platters. */
        DROP_ALL,
        /** Each pending write survives whole, or not at all, independently (the cache reorders). */
        RANDOM_SUBSET,
        /** A random subset of the earlier writes survives; the last one is torn: a random subset of its sectors. */
        TEAR_LAST,
        /** Every sector of every pending write survives independently: the harshest cache a disk may have. */
        SECTOR_CHAOS
    }

    /** Reported by {@link #cutPower}: what happened, for the test's failure messages. */
    public record CutReport(CutMode mode, int pendingWrites, int survivingWrites, int tornSectorsDropped) {
        @Override
        public String toString() {
            return mode + ": " + survivingWrites + "/" + pendingWrites + " pending writes survived"
                    + (tornSectorsDropped > 0 ? ", " + tornSectorsDropped + " sectors torn off" : "");
        }
    }

    private record Pending(long position, byte[] data) { }

    private final int alignment;
    private final byte[] durable;
    private final byte[] visible;
    private final List<Pending> pending = new ArrayList<>();
    private volatile boolean dead;
    /** Armed cut: power fails at the n-th write (after it reached the cache) or at the start of the n-th force. */
    private Random armedRandom;
    private int cutAtWrite;
    private int cutAtForce;
    private volatile CutReport lastCut;
    private volatile Runnable onCut = () -> { };
    private boolean closed;
    private long writes;
    private long forces;

    public PowerLossDevice(int sizeBytes, int alignment) {
        this(new byte[sizeBytes], alignment);
    }

    /** A device whose platters hold {@code image} (copied: the caller keeps its array). */
    public PowerLossDevice(byte[] image, int alignment) {
        if (alignment < 1 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        if (image.length % Math.max(alignment, SECTOR) != 0) {
            throw new IllegalArgumentException("image size " + image.length + " is not a multiple of " + Math.max(alignment, SECTOR));
        }
        this.alignment = alignment;
        this.durable = image.clone();
        this.visible = image.clone();
    }

    public static PowerLossDevice fromFile(Path file, int alignment) throws IOException {
        return new PowerLossDevice(Files.readAllBytes(file), alignment);
    }

    @Override
    public long size() {
        return durable.length;
    }

    @Override
    public int alignment() {
        return alignment;
    }

    @Override
    public boolean direct() {
        return alignment > 1;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        checkAlive();
        checkAligned(position, dst.remaining(), "read");
        if (position < 0) {
            throw new IOException("read at negative position " + position);
        }
        if (position >= visible.length) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), visible.length - position);
        dst.put(visible, (int) position, n);
        return n;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        boolean cut = false;
        synchronized (this) {
            checkAlive();
            int n = src.remaining();
            checkAligned(position, n, "write");
            if (position < 0 || position + n > visible.length) {
                throw new IOException("write of " + n + " bytes at " + position + " is outside the device (" + visible.length + " bytes)");
            }
            byte[] data = new byte[n];
            src.get(data);
            System.arraycopy(data, 0, visible, (int) position, n);
            pending.add(new Pending(position, data));
            writes++;
            if (cutAtWrite > 0 && --cutAtWrite == 0) {
                cutPower(armedRandom);
                cut = true;
            }
        }
        if (cut) {
            onCut.run(); // the write itself returned: the power fails right after it
        }
    }

    @Override
    public void force() throws IOException {
        int covered;
        boolean cut = false;
        synchronized (this) {
            checkAlive();
            covered = pending.size();
            if (cutAtForce > 0 && --cutAtForce == 0) {
                cutPower(armedRandom); // the power fails while the flush is under way
                cut = true;
            }
        }
        if (cut) {
            onCut.run();
            throw new IOException("power lost (simulated) during fdatasync");
        }
        // Let other threads in between the start and the end of the flush, as a real fdatasync does:
        // writes issued meanwhile are not covered by this force.
        Thread.yield();
        synchronized (this) {
            checkAlive();
            for (int i = 0; i < covered; i++) {
                Pending p = pending.get(i);
                System.arraycopy(p.data(), 0, durable, (int) p.position(), p.data().length);
            }
            pending.subList(0, covered).clear();
            forces++;
        }
    }

    @Override
    public synchronized void close() {
        // Closing a file does not make its cached writes durable: only force() does.
        closed = true;
    }

    /**
     * Cuts the power: decides at random which pending writes (or sectors of them) reach the platters,
     * then kills the device. Returns what was done, for failure messages.
     */
    public synchronized CutReport cutPower(Random random) {
        CutMode mode = CutMode.values()[random.nextInt(CutMode.values().length)];
        return cutPower(random, mode);
    }

    public synchronized CutReport cutPower(Random random, CutMode mode) {
        if (dead) {
            throw new IllegalStateException("power already cut");
        }
        dead = true;
        cutAtWrite = 0;
        cutAtForce = 0;
        int total = pending.size();
        int survived = 0;
        int tornDropped = 0;
        switch (mode) {
            case DROP_ALL -> { }
            case RANDOM_SUBSET -> {
                for (Pending p : pending) {
                    if (random.nextBoolean()) {
                        apply(p);
                        survived++;
                    }
                }
            }
            case TEAR_LAST -> {
                for (int i = 0; i < total - 1; i++) {
                    if (random.nextBoolean()) {
                        apply(pending.get(i));
                        survived++;
                    }
                }
                if (total > 0) {
                    tornDropped = applySectors(pending.get(total - 1), random);
                }
            }
            case SECTOR_CHAOS -> {
                for (Pending p : pending) {
                    tornDropped += applySectors(p, random);
                }
            }
        }
        pending.clear();
        lastCut = new CutReport(mode, total, survived, tornDropped);
        return lastCut;
    }

    /**
     * Arms a power cut at a moment the engine chooses without knowing: right after its {@code atWrite}-th write
     * from now reaches the cache, or as its {@code atForce}-th force from now starts (0: not on that count);
     * the mode is drawn from {@code random} then. {@code onCut} runs after the cut, outside this device's lock.
     */
    public synchronized void armCut(Random random, int atWrite, int atForce, Runnable onCut) {
        this.armedRandom = random;
        this.cutAtWrite = atWrite;
        this.cutAtForce = atForce;
        this.onCut = onCut;
    }

    /** The report of the cut that killed this device, or null while it lives. */
    public synchronized CutReport lastCut() {
        return lastCut;
    }

    /** True once {@link #cutPower} ran. */
    public boolean isDead() {
        return dead;
    }

    /** A copy of what the platters hold. */
    public synchronized byte[] durableImage() {
        return durable.clone();
    }

    /**
     * The platters themselves, for injecting faults into a closed image (bit flips, torn sectors) before a
     * fresh device is made from it. Only valid while no engine uses this device.
     */
    public byte[] platters() {
        return durable;
    }

    public synchronized int pendingWrites() {
        return pending.size();
    }

    public synchronized long writeCount() {
        return writes;
    }

    public synchronized long forceCount() {
        return forces;
    }

    public void saveDurableImage(Path file) throws IOException {
        Files.write(file, durableImage());
    }

    /** Writes a random subset of {@code p}'s sectors; returns the number dropped. */
    private int applySectors(Pending p, Random random) {
        int dropped = 0;
        byte[] d = p.data();
        int start = (int) p.position();
        // Sector boundaries are absolute on the device, not relative to the write.
        int off = 0;
        while (off < d.length) {
            int abs = start + off;
            int len = Math.min(SECTOR - (abs % SECTOR), d.length - off);
            if (random.nextBoolean()) {
                System.arraycopy(d, off, durable, abs, len);
            } else {
                dropped++;
            }
            off += len;
        }
        return dropped;
    }

    private void apply(Pending p) {
        System.arraycopy(p.data(), 0, durable, (int) p.position(), p.data().length);
    }

    private void checkAlive() throws IOException {
        if (dead) {
            throw new IOException("power lost (simulated)");
        }
        if (closed) {
            throw new IOException("device closed");
        }
    }

    private void checkAligned(long position, int length, String op) throws IOException {
        if (alignment > 1 && (position % alignment != 0 || length % alignment != 0)) {
            throw new IOException("unaligned " + op + " (EINVAL with O_DIRECT): position " + position + ", length " + length
                    + ", alignment " + alignment);
        }
    }

    @Override
    public String toString() {
        return "PowerLossDevice[" + durable.length + " bytes, alignment " + alignment + ", pending " + pending.size()
                + (dead ? ", dead" : "") + "]";
    }
}
