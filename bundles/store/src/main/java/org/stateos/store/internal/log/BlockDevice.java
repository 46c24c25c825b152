package org.stateos.store.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional I/O on the store's device: a raw block device or a preallocated file, opened with
 * O_DIRECT where the file system allows it. The engine does all its I/O through this interface so
 * tests can inject faults (a device that loses every write not covered by a completed force, or tears
 * a write at sector granularity) without touching the engine.
 *
 * <p>With direct I/O, buffers, positions and lengths are multiples of {@link #alignment()} and buffers
 * are aligned (ByteBuffer.allocateDirect(n + a).alignedSlice(a)).
 */
public interface BlockDevice extends AutoCloseable {
    /** Bytes usable from offset 0. */
    long size();

    /** 4096 with O_DIRECT; 1 for buffered I/O. */
    int alignment();

    /** True when the device was opened with O_DIRECT; false after a fallback to buffered I/O + force. */
    boolean direct();

    /** Reads until {@code dst} is full or the end of the device; returns the bytes read. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all of {@code src} at {@code position}. Not durable until {@link #force()} returns. */
    void write(ByteBuffer src, long position) throws IOException;

    /** Makes every completed write durable (fdatasync). */
    void force() throws IOException;

    @Override
    void close() throws IOException;
}
