package org.stateos.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Copies a jar without any earlier signature: drops META-INF/*.SF, *.DSA, *.RSA, *.EC and SIG-* and strips the
 * per-entry digests from the manifest ({@link ManifestDigestStripper}). Every other entry is copied with its
 * name, order, time, extra fields and comment; content is unchanged but re-deflated at the fastest level, since
 * the copy is meant for {@link jdk.security.jarsigner.JarSigner}, which deflates every entry again anyway.
 */
public final class SignatureStripper {

    public static final String MANIFEST = "META-INF/MANIFEST.MF";

    private SignatureStripper() {}

    /** True for the signature files directly under META-INF, as java.util.jar recognises them (any case). */
    public static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String file = upper.substring("META-INF/".length());
        return file.startsWith("SIG-") || file.endsWith(".SF") || file.endsWith(".DSA")
                || file.endsWith(".RSA") || file.endsWith(".EC");
    }

    /** True when {@code jar} holds a signature file or per-entry digests in its manifest: something to strip. */
    public static boolean isSigned(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (isSignatureFile(entry.getName())) {
                    return true;
                }
                if (entry.getName().equalsIgnoreCase(MANIFEST)) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        byte[] manifest = in.readAllBytes();
                        if (!Arrays.equals(manifest, ManifestDigestStripper.strip(manifest))) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Writes {@code source} without signatures to {@code target}; returns how many signature files it dropped. */
    public static int strip(Path source, Path target) throws IOException {
        int dropped = 0;
        Set<String> seen = new HashSet<>();
        try (ZipFile zip = new ZipFile(source.toFile());
             OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            out.setLevel(Deflater.BEST_SPEED);
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!seen.add(name)) {
                    throw new IOException("duplicate entry " + name + " in " + source);
                }
                if (isSignatureFile(name)) {
                    dropped++;
                    continue;
                }
                if (name.equalsIgnoreCase(MANIFEST)) {
                    byte[] manifest;
                    try (InputStream in = zip.getInputStream(entry)) {
                        manifest = ManifestDigestStripper.strip(in.readAllBytes());
                    }
                    ZipEntry copy = new ZipEntry(name);
                    copy.setTime(entry.getTime());
                    out.putNextEntry(copy);
                    out.write(manifest);
                    out.closeEntry();
                    continue;
                }
                ZipEntry copy = new ZipEntry(entry);
                if (copy.getMethod() == ZipEntry.DEFLATED) {
                    copy.setCompressedSize(-1); // re-deflated: the size will differ
                }
                out.putNextEntry(copy);
                try (InputStream in = zip.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return dropped;
    }
}
