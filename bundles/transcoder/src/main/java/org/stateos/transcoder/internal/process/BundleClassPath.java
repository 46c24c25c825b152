package org.stateos.transcoder.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;

/**
 * The worker's class path, copied out of installed bundles: this bundle's {@code codec} and {@code worker}
 * packages and everything under {@code org/bytedeco/} of the codec-natives bundle (JavaCPP, the FFmpeg classes and
 * natives). Those bundles resolved only after the trust gate verified the vendor signature over every entry, so the
 * bytes copied are vendor-signed bytes. The copy is made afresh at each activation into this bundle's data area
 * (the node's own data directory), each file's SHA-256 kept in memory; before every start of a worker the directory
 * is checked against them: a file changed, missing or added refuses the start.
 */
public final class BundleClassPath implements WorkerClassPath {
    private static final String[] OWN_PACKAGES = {"org/stateos/transcoder/internal/codec",
            "org/stateos/transcoder/internal/worker"};

    private final Bundle transcoder;
    private final Bundle natives;
    private final Path dir;
    private Map<Path, byte[]> hashes;   // guarded by this

    public BundleClassPath(Bundle transcoder, Bundle natives, Path dir) {
        this.transcoder = transcoder;
        this.natives = natives;
        this.dir = dir;
    }

    @Override
    public synchronized String classPath() throws IOException {
        if (hashes == null) {
            hashes = copy();
        } else {
            verify();
        }
        return dir.toString();
    }

    private Map<Path, byte[]> copy() throws IOException {
        delete(dir);
        Files.createDirectories(dir);
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
            Files.createDirectories(target.getParent());
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(url.openStream(), sha);
                    OutputStream o = Files.newOutputStream(target)) {
                transfer(in, o);
            }
            out.put(target, sha.digest());
        }
    }

    private void verify() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            stopIfInterrupted();
            byte[] expected = hashes.get(f);
            if (expected == null) {
                throw new IOException("the worker's class path has a file no bundle put there: " + f);
            }
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha)) {
                transfer(in, OutputStream.nullOutputStream());
            }
            if (!Arrays.equals(expected, sha.digest())) {
                throw new IOException("the worker's class path file changed since it was copied from its bundle: " + f);
            }
        }
        if (files.size() != hashes.size()) {
            throw new IOException("the worker's class path lost " + (hashes.size() - files.size()) + " files");
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
        if (!Files.exists(dir)) {
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
