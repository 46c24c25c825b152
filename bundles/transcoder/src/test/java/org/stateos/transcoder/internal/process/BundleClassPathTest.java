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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** A file's identity on disk: rewriting it (a new file) changes its key (inode) even when the bytes are equal. */
    private static Object key(Path f) throws IOException {
        return Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey() + "@"
                + Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
    }

    private static Map<Path, Object> keys(Path dir) throws IOException {
        Map<Path, Object> out = new HashMap<>();
        for (Path f : files(dir)) {
            out.put(f, key(f));
        }
        return out;
    }

    /** Owner write back on a directory the copy made read-only (the tests run as root too, where it changes nothing). */
    private static void writable(Path d) throws IOException {
        Set<PosixFilePermission> p = new HashSet<>(Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS));
        p.add(PosixFilePermission.OWNER_WRITE);
        Files.setPosixFilePermissions(d, p);
    }

    /**
     * Review 5 leftover: every activation (every refresh of this bundle, e.g. at each hot swap of http) deleted the
     * ≈ 55 MB class path and copied it afresh. Now an activation keeps the files that hash as their bundle entries,
     * rewrites only those that differ, removes what no bundle put there, and leaves files 0444 and directories 0755.
     */
    @Test
    void aSecondActivationKeepsTheVerifiedCopyAndRewritesOnlyWhatDiffers() throws IOException {
        Path cpDir = tmp.resolve("cp");
        classPath(cpDir).classPath();
        Map<Path, Object> first = keys(cpDir);
        assertEquals(3, first.size());
        assertEquals(cpDir.toString(), classPath(cpDir).classPath());   // a second activation, a new instance
        assertEquals(first, keys(cpDir), "a second activation rewrote files that were unchanged");

        Path changed = cpDir.resolve("org/bytedeco/C.class");
        writable(changed.getParent());
        Files.delete(changed);
        Files.writeString(changed, "changed");
        Path added = Files.writeString(cpDir.resolve("org/bytedeco/Added.class"), "foreign");
        Path addedDir = Files.createDirectories(cpDir.resolve("org/bytedeco/ffmpeg/linux-x86_64-gpl"));
        Files.writeString(addedDir.resolve("libjniavcodec.so"), "foreign");
        Path link = Files.createSymbolicLink(cpDir.resolve("org/bytedeco/D.class"), added);
        BundleClassPath third = classPath(cpDir);
        assertEquals(cpDir.toString(), third.classPath());
        assertEquals("org/bytedeco/C.class", Files.readString(changed), "the changed file rewritten from its bundle");
        assertFalse(Files.exists(added, LinkOption.NOFOLLOW_LINKS), "a file no bundle put there removed");
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "a link removed");
        assertFalse(Files.exists(addedDir.getParent(), LinkOption.NOFOLLOW_LINKS), "directories no bundle made removed");
        Map<Path, Object> after = keys(cpDir);
        assertEquals(first.keySet(), after.keySet());
        for (Path f : first.keySet()) {
            if (!f.equals(changed)) {
                assertEquals(first.get(f), after.get(f), "an unchanged file rewritten: " + f);
            }
        }
        try (Stream<Path> s = Files.walk(cpDir)) {
            for (Path p : s.toList()) {
                assertEquals(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwxr-xr-x" : "r--r--r--",
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
                        "permissions of " + p);
            }
        }
        assertEquals(cpDir.toString(), third.classPath(), "the check before a start accepts what the activation left");
    }

    @Test
    void anActivationReplacesAClassPathDirectoryThatIsALinkOrAFile() throws IOException {
        Path cpDir = tmp.resolve("cp");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path foreign = Files.writeString(elsewhere.resolve("keep.me"), "not ours");
        Files.createSymbolicLink(cpDir, elsewhere);
        assertEquals(cpDir.toString(), classPath(cpDir).classPath());
        assertTrue(Files.isDirectory(cpDir, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(cpDir));
        assertTrue(Files.exists(foreign), "nothing deleted through the link");
        assertEquals(3, files(cpDir).size());
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
