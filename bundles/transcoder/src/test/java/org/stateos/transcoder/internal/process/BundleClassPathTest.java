package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/** The worker's class path copied out of two bundles (stand-ins serving files), checked before each start, and abortable. */
class BundleClassPathTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void copiesBothBundlesEntriesAndRefusesAChangedFile() throws IOException {
        BundleClassPath cp = new BundleClassPath(bundle("transcoder", "org/stateos/transcoder/internal/codec/A.class",
                "org/stateos/transcoder/internal/worker/B.class"), bundle("natives", "org/bytedeco/C.class"), tmp.resolve("cp"));
        Path dir = Path.of(cp.classPath());
        List<Path> copied = files(dir);
        assertEquals(3, copied.size(), copied.toString());
        assertEquals(dir.toString(), cp.classPath());   // unchanged: checked and accepted
        Files.writeString(copied.get(0), "changed");
        IOException e = assertThrows(IOException.class, cp::classPath);
        assertTrue(e.getMessage().contains("changed since it was copied"), e.getMessage());
    }

    /**
     * Review 5: JavaCPP probes {@code org/bytedeco/ffmpeg/linux-x86_64-gpl} before its own directory, so a link to
     * foreign natives added there loads them though no hashed file changed (the old check walked regular files only).
     */
    @Test
    void refusesASymlinkedDirectoryAddedToTheClassPath() throws IOException {
        Path cpDir = tmp.resolve("cp");
        BundleClassPath cp = classPath(cpDir);
        cp.classPath();
        Path evil = Files.createDirectories(tmp.resolve("evil"));
        Files.writeString(evil.resolve("libjniavcodec.so"), "not vendor-signed");
        Path link = Files.createSymbolicLink(cpDir.resolve("org/bytedeco/linux-x86_64-gpl"), evil);
        IOException e = assertThrows(IOException.class, cp::classPath);
        assertTrue(e.getMessage().contains("not a regular file or a directory (a symbolic link)")
                && e.getMessage().endsWith(link.toString()), e.getMessage());
    }

    @Test
    void refusesALinkToAFileAndADirectoryNoBundleCreated() throws IOException {
        Path cpDir = tmp.resolve("cp");
        BundleClassPath cp = classPath(cpDir);
        cp.classPath();
        Path outside = Files.writeString(tmp.resolve("D.class"), "foreign");
        Path link = Files.createSymbolicLink(cpDir.resolve("org/bytedeco/D.class"), outside);
        IOException e = assertThrows(IOException.class, cp::classPath);
        assertTrue(e.getMessage().contains("(a symbolic link): " + link), e.getMessage());
        Files.delete(link);
        assertEquals(cpDir.toString(), cp.classPath(), "accepted again once the link is gone");
        Path empty = Files.createDirectories(cpDir.resolve("org/bytedeco/ffmpeg/linux-x86_64-gpl"));
        e = assertThrows(IOException.class, cp::classPath);
        assertTrue(e.getMessage().startsWith("the worker's class path has a directory no bundle put there: ")
                && e.getMessage().contains("org/bytedeco/ffmpeg"), e.getMessage());
        Files.delete(empty);
        Files.delete(empty.getParent());
        assertEquals(cpDir.toString(), cp.classPath());
    }

    @Test
    void aClassPathDirectoryReplacedByALinkIsRefused() throws IOException {
        Path cpDir = tmp.resolve("cp");
        BundleClassPath cp = classPath(cpDir);
        cp.classPath();
        Path copy = Files.move(cpDir, tmp.resolve("moved"));
        Files.createSymbolicLink(cpDir, copy);   // the same bytes, reached through a link
        IOException e = assertThrows(IOException.class, cp::classPath);
        assertTrue(e.getMessage().contains("(a symbolic link): " + cpDir), e.getMessage());
    }

    private BundleClassPath classPath(Path cpDir) throws IOException {
        return new BundleClassPath(bundle("transcoder", "org/stateos/transcoder/internal/codec/A.class",
                "org/stateos/transcoder/internal/worker/B.class"), bundle("natives", "org/bytedeco/C.class"), cpDir);
    }

    @Test
    void anInterruptedCopyStopsAtOnceWithoutCopying() throws IOException {
        BundleClassPath cp = new BundleClassPath(bundle("transcoder", "org/stateos/transcoder/internal/codec/A.class",
                "org/stateos/transcoder/internal/worker/B.class"), bundle("natives", "org/bytedeco/C.class"), tmp.resolve("cp"));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedIOException.class, cp::classPath);
        assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
        assertTrue(files(tmp.resolve("cp")).isEmpty());
        assertFalse(cp.classPath().isEmpty(), "the next start copies from scratch");
        assertEquals(3, files(tmp.resolve("cp")).size());
    }

    @Test
    void aCopyInterruptedInsideALargeFileStopsWithinAChunk() throws IOException {
        long size = 64L << 20;   // libavcodec is 35 MB: one file must not hold a stop for its whole length
        AtomicLong read = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (read.get() >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - read.get());
                if (read.addAndGet(n) > (1 << 20)) {
                    Thread.currentThread().interrupt();   // the stop arrives 1 MB into the file
                }
                return n;
            }
        };
        URL big = new URL(null, "test:/org/bytedeco/libbig.so", new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) {
                return new URLConnection(u) {
                    @Override
                    public void connect() {
                    }

                    @Override
                    public InputStream getInputStream() {
                        return endless;
                    }
                };
            }
        });
        Bundle natives = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "findEntries" -> Collections.enumeration(List.of(big));
                    case "getSymbolicName", "toString" -> "natives";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        BundleClassPath cp = new BundleClassPath(bundle("transcoder", "org/stateos/transcoder/internal/codec/A.class",
                "org/stateos/transcoder/internal/worker/B.class"), natives, tmp.resolve("cp"));
        assertThrows(InterruptedIOException.class, cp::classPath);
        assertTrue(read.get() < (2 << 20), "read " + read.get() + " bytes of " + size + " after the interrupt");
    }

    /**
     * A bundle stand-in whose entries are files under its own root (findEntries is all BundleClassPath uses), named as
     * a framework names them ({@code bundleentry://<id>/org/...}: the path is the entry's path in the bundle).
     */
    private Bundle bundle(String name, String... entries) throws IOException {
        Path root = tmp.resolve("bundle-" + name);
        for (String e : entries) {
            Path f = root.resolve(e);
            Files.createDirectories(f.getParent());
            Files.writeString(f, e);
        }
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "findEntries" -> {
                        Path under = root.resolve((String) args[0]);
                        if (!Files.isDirectory(under)) {
                            yield null;
                        }
                        try (Stream<Path> s = Files.walk(under)) {
                            yield Collections.enumeration(s.filter(Files::isRegularFile).map(f -> url(root, f)).toList());
                        }
                    }
                    case "getSymbolicName", "toString" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static URL url(Path root, Path file) {
        try {
            return new URL(null, "bundleentry://1.fwk1/" + root.relativize(file), new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) {
                    return new URLConnection(u) {
                        @Override
                        public void connect() {
                        }

                        @Override
                        public InputStream getInputStream() throws IOException {
                            return Files.newInputStream(file);
                        }
                    };
                }
            });
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
