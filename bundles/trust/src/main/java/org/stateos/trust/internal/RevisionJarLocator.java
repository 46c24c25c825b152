package org.stateos.trust.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;

/**
 * Finds the jar Felix loads a bundle's current revision from. Felix 7.0.5 (org.apache.felix.framework.cache
 * .BundleArchive / JarRevision) keeps each bundle under {@code <cache>/bundle<id>/}: {@code data/} is the bundle's
 * data area, and each revision is {@code version<refreshCount>.<revision>/} holding {@code bundle.jar} (a copy of the
 * installed bytes) and {@code revision.location}. The current revision is the highest revision number; the refresh
 * count only grows when a revision with native code is renamed on refresh. A {@code reference:} install keeps no
 * {@code bundle.jar} (Felix reads the referenced file or directory in place), so it is not a jar the gate can vouch for.
 */
final class RevisionJarLocator {

    static final String NOT_A_SIGNED_JAR = "bundle content is not a signed jar";
    private static final Pattern REVISION_DIR = Pattern.compile("version(\\d{1,18})\\.(\\d{1,18})");

    /** The jar of the current revision, or why there is none. */
    record Located(Path jar, String problem) {
        boolean found() {
            return jar != null;
        }
    }

    private RevisionJarLocator() {}

    /**
     * The archive root of {@code bundle}: {@code <cacheRoot>/bundle<id>} (Felix's BundleCache names it so); when that
     * is not a directory, the parent of the bundle's data area ({@code bundle.getDataFile("")}, which is null for a
     * fragment and creates the data directory, hence only the fallback).
     */
    static Path archiveRoot(Bundle bundle, Path cacheRoot) {
        if (cacheRoot != null) {
            Path byLayout = cacheRoot.resolve("bundle" + bundle.getBundleId());
            if (Files.isDirectory(byLayout)) {
                return byLayout;
            }
        }
        try {
            File data = bundle.getDataFile("");
            if (data != null) {
                return data.toPath().toAbsolutePath().getParent();
            }
        } catch (RuntimeException e) {
            // IllegalStateException when uninstalled meanwhile: nothing to find
        }
        return null;
    }

    static Located locate(Path archiveRoot) {
        if (archiveRoot == null || !Files.isDirectory(archiveRoot)) {
            return new Located(null, "bundle archive not found in the framework cache (" + archiveRoot + ")");
        }
        Path newest = null;
        long newestRevision = -1;
        long newestRefresh = -1;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(archiveRoot)) {
            for (Path child : children) {
                Matcher m = REVISION_DIR.matcher(child.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(child)) {
                    continue;
                }
                long refresh = Long.parseLong(m.group(1));
                long revision = Long.parseLong(m.group(2));
                if (revision > newestRevision || (revision == newestRevision && refresh > newestRefresh)) {
                    newest = child;
                    newestRevision = revision;
                    newestRefresh = refresh;
                }
            }
        } catch (IOException e) {
            return new Located(null, "cannot list the bundle archive " + archiveRoot + ": " + e);
        }
        if (newest == null) {
            return new Located(null, "no revision directory in the bundle archive " + archiveRoot);
        }
        Path jar = newest.resolve("bundle.jar");
        if (Files.isRegularFile(jar)) {
            return new Located(jar, null);
        }
        String location = revisionLocation(newest);
        return new Located(null, location == null ? NOT_A_SIGNED_JAR : NOT_A_SIGNED_JAR + " (" + location + ")");
    }

    private static String revisionLocation(Path revisionDir) {
        Path file = revisionDir.resolve("revision.location");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            return line == null || line.isBlank() ? null : line.strip();
        } catch (IOException e) {
            return null;
        }
    }
}
