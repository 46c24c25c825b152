package org.stateos.transcoder.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;

/**
 * The worker's class path, copied out of installed bundles: this bundle's {@code codec} and {@code worker}
 * packages and everything under {@code org/bytedeco/} of the codec-natives bundle (JavaCPP, the FFmpeg classes and
 * natives). Those bundles resolved only after the trust gate verified the vendor signature over every entry, so the
 * bytes copied are vendor-signed bytes. The copy is made afresh at each activation into this bundle's data area
 * (the node's own data directory), each file's SHA-256 kept in memory; before every start of a worker the directory
 * is checked against them: a file changed, missing or added refuses the start, and so does anything that is not a
 * regular file or a directory this class created (a symbolic link, a FIFO, a directory someone else made): JavaCPP
 * probes directories such as {@code org/bytedeco/ffmpeg/linux-x86_64-gpl} before its own, so a link to foreign
 * natives there would load them without changing a single hashed file. Neither the walk nor the copy follows links.
 */
public final class BundleClassPath implements WorkerClassPath {
    private static final String[] OWN_PACKAGES = {"org/stateos/transcoder/internal/codec",
            "org/stateos/transcoder/internal/worker"};

    private final Bundle transcoder;
    private final Bundle natives;
    private final Path dir;
    private Map<Path, byte[]> hashes;   // guarded by this
    private Set<Path> dirs;             // the directories the copy created, dir included; guarded by this

    public BundleClassPath(Bundle transcoder, Bundle natives, Path dir) {
        this.transcoder = transcoder;
        this.natives = natives;
        this.dir = dir;
    }

    @Override
    public synchronized String classPath() throws IOException {
        if (hashes == null) {
            dirs = new HashSet<>();
            hashes = copy();
        } else {
            verify();
        }
        return dir.toString();
    }

    private Map<Path, byte[]> copy() throws IOException {
        delete(dir);
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the worker's class path directory is not a directory: " + dir);
        }
        dirs.add(dir);
        Map<Path, byte[]> out = new HashMap<>();
        for (String p : OWN_PACKAGES) {
            copy(transcoder, p, out);
        }
        copy(natives, "org/bytedeco", out);
        if (out.isEmpty()) {
            throw new IOException("no worker classes found in bundles " + transcoder + " and " + natives);
        }
        return out;
    }

    private void copy(Bundle from, String path, Map<Path, byte[]> out) throws IOException {
        Enumeration<URL> entries = from.findEntries(path, "*", true);
        if (entries == null) {
            throw new IOException("bundle " + from.getSymbolicName() + " has no " + path);
        }
        while (entries.hasMoreElements()) {
            URL url = entries.nextElement();
            stopIfInterrupted();
            String name = url.getPath();
            if (name.endsWith("/")) {
                continue;
            }
            Path target = dir.resolve(name.startsWith("/") ? name.substring(1) : name).normalize();
            if (!target.startsWith(dir)) {
                throw new IOException("bundle entry " + name + " points outside the class path directory");
            }
            createDirectories(target.getParent());
            MessageDigest sha = sha256();
            // CREATE_NEW (O_EXCL) never writes through a link or into a file someone put there during the copy
            try (InputStream in = new DigestInputStream(url.openStream(), sha);
                    OutputStream o = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                transfer(in, o);
            }
            out.put(target, sha.digest());
        }
    }

    /** Creates {@code d} and its parents below {@link #dir} one at a time, through no link or directory of others. */
    private void createDirectories(Path d) throws IOException {
        if (d.equals(dir) || dirs.contains(d)) {
            return;
        }
        createDirectories(d.getParent());
        Files.createDirectory(d);   // fails if anything (a link included) is already there
        dirs.add(d);
    }

    private void verify() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {   // does not follow links: a link is listed, never entered
            all = s.toList();
        }
        int files = 0;
        for (Path f : all) {
            stopIfInterrupted();
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory()) {
                if (!dirs.contains(f)) {
                    throw new IOException("the worker's class path has a directory no bundle put there: " + f);
                }
                continue;
            }
            if (!a.isRegularFile()) {
                throw new IOException("the worker's class path has something that is not a regular file or a "
                        + "directory (" + (a.isSymbolicLink() ? "a symbolic link" : "a special file") + "): " + f);
            }
            files++;
            byte[] expected = hashes.get(f);
            if (expected == null) {
                throw new IOException("the worker's class path has a file no bundle put there: " + f);
            }
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS), sha)) {
                transfer(in, OutputStream.nullOutputStream());
            }
            if (!Arrays.equals(expected, sha.digest())) {
                throw new IOException("the worker's class path file changed since it was copied from its bundle: " + f);
            }
        }
        if (files != hashes.size()) {
            throw new IOException("the worker's class path lost " + (hashes.size() - files) + " files");
        }
    }

    /** Like transferTo, but stops when interrupted: one file (libavcodec) is 35 MB, and neither stream notices. */
    private static void transfer(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) != -1) {
            stopIfInterrupted();
            out.write(buffer, 0, n);
        }
    }

    /**
     * Copying or checking ≈ 55 MB takes 0.3-1 s; a deactivation that interrupts it (a refresh of media restarts this
     * component on the framework's refresh thread) must not wait for it, or every bundle refreshed after this one waits too.
     * An interrupted copy is incomplete: the next activation starts from scratch anyway.
     */
    private static void stopIfInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("stopped while preparing the worker's class path");
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {   // a dangling link in its place is deleted too
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                stopIfInterrupted();
                Files.delete(p);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
