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
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's class path, copied out of installed bundles: this bundle's {@code codec} and {@code worker}
 * packages and everything under {@code org/bytedeco/} of the codec-natives bundle (JavaCPP, the FFmpeg classes and
 * natives). Those bundles resolved only after the trust gate verified the vendor signature over every entry, so the
 * bytes copied are vendor-signed bytes.
 *
 * <p>At each activation the directory in this bundle's data area (the node's own data directory) is brought in line
 * with the bundles' entries: a file whose SHA-256 equals its entry's is kept, one that differs is rewritten, anything
 * no bundle put there is removed (files, directories, links, special files; links are removed, never followed), and
 * then files are made 0444 (directories stay 0755, so the node's own user can always delete its cache). Every refresh of this bundle (each hot swap of http) activates it
 * again, and copying ≈ 55 MB afresh each time wore the flash for nothing. Each file's hash is kept in memory; before
 * every start of a worker the directory is checked against them: a file changed, missing or added refuses the start,
 * and so does anything that is not a regular file or a directory of the copy (a symbolic link, a FIFO, a directory
 * someone else made): JavaCPP probes directories such as {@code org/bytedeco/ffmpeg/linux-x86_64-gpl} before its own,
 * so a link to foreign natives there would load them without changing a single hashed file. Neither the walk nor the
 * copy follows links. The check and the JVM's reads are not one step: see the README (the directory must be the
 * node's alone).
 */
public final class BundleClassPath implements WorkerClassPath {
    private static final Logger LOG = LoggerFactory.getLogger(BundleClassPath.class);
    private static final String[] OWN_PACKAGES = {"org/stateos/transcoder/internal/codec",
            "org/stateos/transcoder/internal/worker"};
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("r--r--r--");
    /** Writable by the owner: a read-only directory would keep a non-root node from deleting its own cache. */
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Bundle transcoder;
    private final Bundle natives;
    private final Path dir;
    private Map<Path, byte[]> hashes;   // guarded by this
    private Set<Path> dirs;             // the directories of the copy, dir included; guarded by this

    public BundleClassPath(Bundle transcoder, Bundle natives, Path dir) {
        this.transcoder = transcoder;
        this.natives = natives;
        this.dir = dir;
    }

    @Override
    public synchronized String classPath() throws IOException {
        if (hashes == null) {
            Set<Path> d = new HashSet<>();
            hashes = sync(d);
            dirs = d;
        } else {
            verify();
        }
        return dir.toString();
    }

    /** Brings {@link #dir} in line with the bundles' entries; returns each file's hash, fills {@code dirsOut}. */
    private Map<Path, byte[]> sync(Set<Path> dirsOut) throws IOException {
        Map<Path, URL> entries = new LinkedHashMap<>();
        for (String p : OWN_PACKAGES) {
            list(transcoder, p, entries);
        }
        list(natives, "org/bytedeco", entries);
        if (entries.isEmpty()) {
            throw new IOException("no worker classes found in bundles " + transcoder + " and " + natives);
        }
        dirsOut.add(dir);
        for (Path f : entries.keySet()) {
            for (Path d = f.getParent(); !d.equals(dir); d = d.getParent()) {
                dirsOut.add(d);
            }
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(dir);   // a link (never followed) or a file in its place
        }
        Files.createDirectories(dir);
        int removed = removeForeign(entries.keySet(), dirsOut);
        Map<Path, byte[]> out = new HashMap<>();
        int written = 0;
        for (Map.Entry<Path, URL> e : entries.entrySet()) {
            stopIfInterrupted();
            Path target = e.getKey();
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {   // a regular file: removeForeign left nothing else
                byte[] entry = hash(e.getValue().openStream());
                if (Arrays.equals(entry, hash(Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)))) {
                    out.put(target, entry);
                    setPermissions(target, FILE);
                    continue;
                }
                Files.delete(target);   // rewritten as a new file, as the copy never writes into an existing one
            }
            createDirectories(target.getParent());
            out.put(target, copy(e.getValue(), target));
            setPermissions(target, FILE);
            written++;
        }
        for (Path d : dirsOut) {
            setPermissions(d, DIR);
        }
        LOG.info("transcoder: worker class path {}: {} files kept, {} written, {} entries no bundle put there removed",
                dir, out.size() - written, written, removed);
        return out;
    }

    private void list(Bundle from, String path, Map<Path, URL> out) throws IOException {
        Enumeration<URL> entries = from.findEntries(path, "*", true);
        if (entries == null) {
            throw new IOException("bundle " + from.getSymbolicName() + " has no " + path);
        }
        while (entries.hasMoreElements()) {
            URL url = entries.nextElement();
            String name = url.getPath();
            if (name.endsWith("/")) {
                continue;
            }
            Path target = dir.resolve(name.startsWith("/") ? name.substring(1) : name).normalize();
            if (!target.startsWith(dir) || target.equals(dir)) {
                throw new IOException("bundle entry " + name + " points outside the class path directory");
            }
            out.put(target, url);
        }
    }

    /**
     * Removes, children first, everything under {@link #dir} that is neither one of {@code files} (a regular file)
     * nor one of {@code dirs} (a real directory): what an earlier version left, a partial copy, or what someone put
     * there. Directories get their owner's write permission back first (a copy made by an earlier build left them
     * 0555).
     */
    private int removeForeign(Set<Path> files, Set<Path> dirs) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {   // does not follow links: a link is listed, never entered
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                setPermissions(p, DIR);
            }
        }
        int removed = 0;
        for (Path p : all) {
            stopIfInterrupted();
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean ours = a.isDirectory() ? dirs.contains(p) : a.isRegularFile() && files.contains(p);
            if (!ours) {
                Files.delete(p);   // a directory's foreign contents came first in this order
                removed++;
            }
        }
        return removed;
    }

    /** Creates {@code d} and its parents below {@link #dir} one at a time, through no link or directory of others. */
    private void createDirectories(Path d) throws IOException {
        if (d.equals(dir) || Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {   // removeForeign kept ours only
            return;
        }
        createDirectories(d.getParent());
        Files.createDirectory(d);   // fails if anything (a link included) is already there
    }

    /** Copies a bundle entry to a new file, returning the hash of the bytes written. */
    private static byte[] copy(URL from, Path target) throws IOException {
        MessageDigest sha = sha256();
        // CREATE_NEW (O_EXCL) never writes through a link or into a file someone put there during the copy
        try (InputStream in = new DigestInputStream(from.openStream(), sha);
                OutputStream o = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            transfer(in, o);
        }
        return sha.digest();
    }

    private static byte[] hash(InputStream stream) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(stream, sha)) {
            transfer(in, OutputStream.nullOutputStream());
        }
        return sha.digest();
    }

    private static void setPermissions(Path p, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(permissions);
        } catch (UnsupportedOperationException | NullPointerException e) {
            // not a POSIX file system (the appliance's is): the hashes checked before each start still hold
        }
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
            if (!Arrays.equals(expected, hash(Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)))) {
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
     * An interrupted copy is incomplete: the next activation rewrites what differs and removes what is left over.
     */
    private static void stopIfInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("stopped while preparing the worker's class path");
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
