package org.stateos.store.internal.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileBlockDeviceTest {
    @TempDir
    Path dir;

    private static ByteBuffer pattern(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(n + 4096).alignedSlice(4096).limit(n).slice();
        for (int i = 0; i < n; i++) {
            b.put(i, (byte) (i * 31 + seed));
        }
        return b;
    }

    private static void roundTrip(BlockDevice d) throws IOException {
        ByteBuffer w = pattern(8192, 5);
        d.write(w, 4096);
        d.force();
        ByteBuffer r = ByteBuffer.allocateDirect(8192 + 4096).alignedSlice(4096).limit(8192).slice();
        assertEquals(8192, d.read(r, 4096));
        assertEquals(pattern(8192, 5).rewind(), r.flip());
    }

    @Test
    void createsAZeroFilledFileAndUsesDirectIoOnTmp() throws IOException {
        Path f = dir.resolve("dev.img");
        try (FileBlockDevice d = FileBlockDevice.open(f, 4 * 1024 * 1024 + 100)) {
            assertEquals(4 * 1024 * 1024, d.size());
            assertEquals(4 * 1024 * 1024, Files.size(f));
            assertTrue(d.preallocation().contains("zero-filled"), d.preallocation());
            // /tmp here is ext4, which supports O_DIRECT
            assertTrue(d.direct(), d.ioMode());
            assertEquals(4096, d.alignment());
            roundTrip(d);
        }
        assertFalse(Files.exists(dir.resolve("dev.img.creating")));
        try (FileBlockDevice d = FileBlockDevice.open(f, 0)) {
            assertEquals("existing", d.preallocation());
            ByteBuffer r = ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096).slice();
            d.read(r, 8192);
            assertEquals(pattern(8192, 5).position(4096).slice(), r.flip());
        }
    }

    @Test
    void fallsBackToBufferedIoWhenTheFileSystemRefusesODirect() throws IOException {
        Path f = dir.resolve("refusing.img");
        FileBlockDevice.ChannelOpener refusesDirect = (p, opts) -> {
            if (opts.contains(com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
                throw new IOException("Invalid argument"); // what open(2) says for O_DIRECT on an old tmpfs
            }
            return FileChannel.open(p, opts);
        };
        try (FileBlockDevice d = FileBlockDevice.open(f, 1 << 20, FileBlockDevice.Preallocation.ZERO_FILL, true,
                refusesDirect)) {
            assertFalse(d.direct());
            assertEquals(1, d.alignment());
            assertTrue(d.ioMode().startsWith("buffered + fdatasync (O_DIRECT refused"), d.ioMode());
            assertTrue(d.ioMode().contains("Invalid argument"), d.ioMode());
            roundTrip(d);
        }
    }

    /**
     * The ESR's /dev/shm is tmpfs. Before Linux 6.6 tmpfs refused O_DIRECT with EINVAL; newer kernels accept it.
     * Either way the device must work and say truthfully which mode it is in; a whole log must run on it.
     */
    @Test
    void worksOnDevShmInWhicheverModeTheKernelAllows() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable /dev/shm");
        Path f = shm.resolve("stateos-log-test-" + UUID.randomUUID() + ".img");
        try {
            try (FileBlockDevice d = FileBlockDevice.open(f, 4 << 20)) {
                assertEquals(d.direct(), d.ioMode().startsWith("direct"), d.ioMode());
                if (!d.direct()) {
                    assertTrue(d.ioMode().contains("O_DIRECT refused"), d.ioMode());
                }
                roundTrip(d);
            }
            try (FileBlockDevice d = FileBlockDevice.open(f, 0, FileBlockDevice.Preallocation.ZERO_FILL, false)) {
                assertFalse(d.direct());
                LogConfig cfg = LogConfig.defaults().withMaxValueBytes(64 * 1024).withSegmentBytes(256 * 1024);
                LogStructuredLog.format(d, cfg, true);
                try (LogStructuredLog log = LogStructuredLog.open(d, cfg)) {
                    log.append((byte) 1, new byte[] {1}, ByteBuffer.wrap(new byte[1000])).join();
                    assertFalse(log.stats().direct());
                    assertTrue(log.stats().ioMode().startsWith("buffered"), log.stats().ioMode());
                }
            }
            try (LogStructuredLog log = LogStructuredLog.open(FileBlockDevice.open(f, 0),
                    LogConfig.defaults().withMaxValueBytes(64 * 1024).withSegmentBytes(256 * 1024))) {
                assertEquals(1000, log.read((byte) 1, new byte[] {1}).remaining());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
