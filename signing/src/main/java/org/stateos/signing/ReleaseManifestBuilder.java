package org.stateos.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Builds a release manifest from a directory of bundle jars (every *.jar below it). */
public final class ReleaseManifestBuilder {

    private ReleaseManifestBuilder() {}

    public static ReleaseManifest fromDirectory(Path directory, String version, Duration validity, Instant now)
            throws SigningException {
        try {
            Versions.check(version);
        } catch (IllegalArgumentException e) {
            throw new SigningException(e.getMessage(), e);
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new SigningException("a release manifest must be valid for some time, was " + validity);
        }
        List<Path> jars = TreeSigner.jarsUnder(directory);
        if (jars.isEmpty()) {
            throw new SigningException("no *.jar under " + directory);
        }
        List<BundleEntry> bundles = new ArrayList<>(jars.size());
        for (Path jar : jars) {
            bundles.add(describe(directory, jar));
        }
        Instant created = now.truncatedTo(ChronoUnit.SECONDS);
        return new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseManifest.PRODUCT, version.trim(), created,
                created.plus(validity), bundles);
    }

    static BundleEntry describe(Path root, Path jar) throws SigningException {
        String path = root.relativize(jar).toString().replace(jar.getFileSystem().getSeparator(), "/");
        try {
            Manifest manifest;
            try (JarFile file = new JarFile(jar.toFile(), false)) {
                manifest = file.getManifest();
            }
            Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
            String symbolicName = main.getValue("Bundle-SymbolicName");
            if (symbolicName == null || symbolicName.isBlank()) {
                throw new SigningException(path + ": not an OSGi bundle (no Bundle-SymbolicName)");
            }
            int directives = symbolicName.indexOf(';');
            if (directives >= 0) {
                symbolicName = symbolicName.substring(0, directives);
            }
            String version = main.getValue("Bundle-Version");
            version = version == null || version.isBlank() ? "0.0.0" : version.trim();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = new DigestInputStream(Files.newInputStream(jar), digest)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            return new BundleEntry(symbolicName.trim(), version, HexFormat.of().formatHex(digest.digest()), size, path);
        } catch (IOException e) {
            throw new SigningException(path + ": unreadable jar: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
