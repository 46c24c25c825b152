package org.stateos.store.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One commit batch of the engine's write pipeline: an aligned direct buffer the writer thread lays records out
 * in (the value copied once, from the caller's buffer straight into it), the device regions it covers (one per
 * segment the batch touches, each starting and ending on a block boundary), and the members to tell once the
 * batch is durable. The I/O thread writes the regions and forces once. Two batches alternate: while one is
 * being written and forced, the next one fills.
 */
final class CommitBatch {
    /** Told once the batch is durable (or failed); runs on the I/O thread. */
    interface Member {
        /** The batch is durable: update the index (every member of the batch, before any is acknowledged). */
        void durable();

        /** Complete the caller's future. */
        void acknowledge();

        void failed(IOException e);
    }

    private static final int BLOCK = Layout.BLOCK;

    final ByteBuffer buf;
    final List<Member> members = new ArrayList<>();
    private final List<long[]> regions = new ArrayList<>(); // {buffer start, buffer end, device position}
    private boolean started;
    private int openStart = -1;
    private long openDevice;
    private boolean openDirty;
    int userRecords;
    long userBytes;

    CommitBatch(ByteBuffer alignedBuffer) {
        this.buf = alignedBuffer;
    }

    boolean started() {
        return started;
    }

    void start() {
        started = true;
    }

    /** Bytes still free in the buffer. */
    int room() {
        return buf.capacity() - buf.position();
    }

    boolean regionOpen() {
        return openStart >= 0;
    }

    /** Opens a region at the buffer's (block-aligned) position for the device position given, with a prefix. */
    void openRegion(long devicePosition, byte[] prefix, int prefixLength) {
        if ((buf.position() & (BLOCK - 1)) != 0 || (devicePosition & (BLOCK - 1)) != 0) {
            throw new IllegalStateException("region not block aligned");
        }
        openStart = buf.position();
        openDevice = devicePosition;
        buf.put(prefix, 0, prefixLength);
        openDirty = false;
    }

    void markDirty() {
        openDirty = true;
    }

    /**
     * Pads the open region with zeros to a block boundary and records it (when a record was laid out in it).
     * Copies the region's last {@code tailLength} record bytes (the partial last block) into {@code tail}.
     */
    void closeRegion(byte[] tail, int tailLength) {
        if (openStart < 0) {
            return;
        }
        int end = buf.position();
        if (!openDirty) {
            buf.position(openStart); // nothing new: the region is not written
            openStart = -1;
            return;
        }
        buf.get(end - tailLength, tail, 0, tailLength);
        int padded = (int) Layout.alignUp(end);
        while (buf.position() < padded) {
            buf.put((byte) 0);
        }
        regions.add(new long[] {openStart, padded, openDevice});
        openStart = -1;
    }

    boolean hasWrites() {
        return !regions.isEmpty();
    }

    /** Writes every region (in order); not durable until the device is forced. */
    void writeTo(BlockDevice device) throws IOException {
        for (long[] r : regions) {
            ByteBuffer w = buf.duplicate().limit((int) r[1]).position((int) r[0]);
            device.write(w, r[2]);
        }
    }

    /** Bytes this batch writes to the device. */
    long writeBytes() {
        long n = 0;
        for (long[] r : regions) {
            n += r[1] - r[0];
        }
        return n;
    }

    void reset() {
        buf.clear();
        members.clear();
        regions.clear();
        started = false;
        openStart = -1;
        openDirty = false;
        userRecords = 0;
        userBytes = 0;
    }
}
