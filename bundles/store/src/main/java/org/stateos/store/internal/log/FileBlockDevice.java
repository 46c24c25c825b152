package org.stateos.store.internal.log;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@link BlockDevice} over a block device node (/dev/...) or a preallocated regular file.
 *
 * <p>Opened with O_DIRECT ({@link ExtendedOpenOption#DIRECT}) and 4096-byte alignment. When the file system
 * refuses O_DIRECT (EINVAL on open or on the first aligned read, as older tmpfs and some overlays do; or a file
 * system block larger than 4096) it falls back to buffered I/O, still made durable by {@code force(false)}
 * (fdatasync), and says so in {@link #direct()} and {@link #ioMode()}.
 *
 * <p>A missing file is created with the size asked for, rounded down to 4096, and preallocated by writing zeros
 * (into a temporary name then renamed, so a crash never leaves a short file behind). Zero-filling costs one
 * sequential write of the whole file once, but it allocates real, written extents: a later O_DIRECT overwrite
 * plus fdatasync is then a pure data flush, with no extent conversion or journal commit (which a sparse file,
 * or fallocate's unwritten extents, would cost on every first write). {@link Preallocation#SPARSE} skips it.
 * An existing file keeps its size; its size is the device size.
 */
public final class FileBlockDevice implements BlockDevice {
    public static final int DIRECT_ALIGNMENT = 4096;

    public enum Preallocation { ZERO_FILL, SPARSE }

    /** Opens channels; tests replace it to simulate a file system that refuses O_DIRECT. */
    interface ChannelOpener {
        FileChannel open(Path path, Set<OpenOption> options) throws IOException;
    }

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean direct;
    private final String ioMode;
    private final String preallocation;

    private FileBlockDevice(Path path, FileChannel channel, long size, boolean direct, String ioMode, String preallocation) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.direct = direct;
        this.ioMode = ioMode;
        this.preallocation = preallocation;
    }

    /** Opens {@code path}, creating and zero-filling a file of {@code sizeIfAbsent} bytes when it does not exist (0: must exist). */
    public static FileBlockDevice open(Path path, long sizeIfAbsent) throws IOException {
        return open(path, sizeIfAbsent, Preallocation.ZERO_FILL, true, FileChannel::open);
    }

    /** As {@link #open(Path, long)}, choosing preallocation and whether to try O_DIRECT at all. */
    public static FileBlockDevice open(Path path, long sizeIfAbsent, Preallocation preallocation, boolean tryDirect)
            throws IOException {
        return open(path, sizeIfAbsent, preallocation, tryDirect, FileChannel::open);
    }

    static FileBlockDevice open(Path path, long sizeIfAbsent, Preallocation prealloc, boolean tryDirect,
                                ChannelOpener opener) throws IOException {
        String allocation;
        if (!Files.exists(path)) {
            if (sizeIfAbsent <= 0) {
                throw new NoSuchFileException(path.toString(), null, "no such device or file, and no size to create it with");
            }
            long sz = sizeIfAbsent & -DIRECT_ALIGNMENT;
            create(path, sz, prealloc);
            allocation = prealloc == Preallocation.ZERO_FILL ? "created, zero-filled " + sz + " bytes"
                    : "created sparse, " + sz + " bytes";
        } else {
            allocation = "existing";
        }
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        boolean blockDevice = attrs.isOther();
        Set<OpenOption> options = new HashSet<>(Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        FileChannel ch = null;
        boolean direct = false;
        String mode;
        String refusal = null;
        if (tryDirect) {
            long fsBlock = -1;
            try {
                fsBlock = Files.getFileStore(path).getBlockSize();
            } catch (IOException | UnsupportedOperationException e) {
                // unknown: let the open and probe decide
            }
            if (fsBlock > DIRECT_ALIGNMENT) {
                refusal = "file system block size " + fsBlock + " exceeds " + DIRECT_ALIGNMENT;
            } else {
                Set<OpenOption> directOptions = new HashSet<>(options);
                directOptions.add(ExtendedOpenOption.DIRECT);
                try {
                    ch = opener.open(path, directOptions);
                    ByteBuffer probe = ByteBuffer.allocateDirect(2 * DIRECT_ALIGNMENT).alignedSlice(DIRECT_ALIGNMENT);
                    probe.limit(DIRECT_ALIGNMENT);
                    ch.read(probe, 0); // EINVAL shows up here on some file systems
                    direct = true;
                } catch (IOException | UnsupportedOperationException e) {
                    refusal = "O_DIRECT refused: " + e;
                    if (ch != null) {
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // the fallback below reopens
                        }
                        ch = null;
                    }
                }
            }
        } else {
            refusal = "O_DIRECT not requested";
        }
        if (ch == null) {
            ch = opener.open(path, options);
        }
        mode = direct ? "direct (O_DIRECT, " + DIRECT_ALIGNMENT + "-byte aligned, fdatasync)"
                : "buffered + fdatasync (" + refusal + ")";
        long size;
        try {
            size = blockDevice ? blockDeviceSize(path, ch) : ch.size();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        size &= -DIRECT_ALIGNMENT;
        if (size < DIRECT_ALIGNMENT) {
            ch.close();
            throw new IOException(path + ": device of " + size + " bytes is too small");
        }
        return new FileBlockDevice(path, ch, size, direct, mode, blockDevice ? "block device" : allocation);
    }

    private static void create(Path path, long size, Preallocation prealloc) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".creating");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            if (prealloc == Preallocation.ZERO_FILL) {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                long pos = 0;
                while (pos < size) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
                    while (zeros.hasRemaining()) {
                        pos += ch.write(zeros, pos);
                    }
                }
            } else if (size > 0) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems do not allow fsync on a directory; the rename is still ordered after the data
            }
        }
    }

    private static long blockDeviceSize(Path path, FileChannel ch) throws IOException {
        Path real = path.toRealPath();
        Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
        if (Files.isReadable(sys)) {
            return Long.parseLong(Files.readString(sys).trim()) * 512;
        }
        long s = ch.size();
        if (s <= 0) {
            throw new IOException(path + ": cannot tell the size of the block device");
        }
        return s;
    }

    public Path path() {
        return path;
    }

    /** "direct (...)" or "buffered + fdatasync (reason)". */
    public String ioMode() {
        return ioMode;
    }

    /** "block device", "existing", "created, zero-filled N bytes" or "created sparse, N bytes". */
    public String preallocation() {
        return preallocation;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int alignment() {
        return direct ? DIRECT_ALIGNMENT : 1;
    }

    @Override
    public boolean direct() {
        return direct;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position < 0) {
            throw new IOException("negative position " + position);
        }
        if (position >= size) {
            return 0;
        }
        int want = (int) Math.min(dst.remaining(), size - position);
        int oldLimit = dst.limit();
        dst.limit(dst.position() + want);
        int total = 0;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } finally {
            dst.limit(oldLimit);
        }
        return total;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        if (position < 0 || position + src.remaining() > size) {
            throw new IOException("write of " + src.remaining() + " bytes at " + position + " is outside the device ("
                    + size + " bytes)");
        }
        long pos = position;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path + " [" + ioMode + "]";
    }
}
