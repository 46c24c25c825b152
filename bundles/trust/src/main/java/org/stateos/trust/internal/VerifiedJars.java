package org.stateos.trust.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The last verified jar of each bundle, by content hash: {@code <dir>/verified/<sha256>.jar}, and the map bundle
 * location → that hash in {@code <dir>/last-verified.properties}. When an update of a bundle is refused, the gate
 * puts this jar back. A jar no location refers to any more is deleted. Thread-safe.
 */
final class VerifiedJars {

    private static final Logger LOG = Logger.getLogger(Activator.LOGGER);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path jars;
    private final Path mapFile;
    private final Properties byLocation;

    private VerifiedJars(Path dir, Properties byLocation) {
        this.jars = dir.resolve("verified");
        this.mapFile = dir.resolve("last-verified.properties");
        this.byLocation = byLocation;
    }

    static VerifiedJars open(Path dir) {
        Properties map;
        try {
            map = Persist.load(dir.resolve("last-verified.properties"));
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "last verified jars map unreadable; starting a new one", e);
            map = new Properties();
        }
        return new VerifiedJars(dir, map);
    }

    /** Records {@code jar} (whose bytes hash to {@code sha256}) as the last verified content of {@code location}. */
    synchronized void keep(String location, String sha256, Path jar) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        Path target = jars.resolve(sha256 + ".jar");
        if (!Files.isRegularFile(target)) {
            Files.createDirectories(jars);
            Path tmp = jars.resolve(sha256 + "." + System.nanoTime() + ".tmp");
            try {
                link(jar, tmp);
                Persist.moveIntoPlace(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String previous = (String) byLocation.setProperty(location, sha256);
        if (!sha256.equals(previous)) {
            Persist.store(byLocation, mapFile, "StateOS trust: bundle location = SHA-256 of its last verified jar");
            deleteIfUnused(previous);
        }
    }

    /**
     * Puts the jar's bytes at {@code tmp}: a hard link where the file system allows (the framework never rewrites a
     * revision's jar in place, it writes a new revision; so the link keeps exactly the verified bytes, without
     * copying tens of MB on a first boot), else a copy. Either way {@link #lastVerified} hashes the kept jar again
     * before it is used, so a changed or damaged copy is never restored.
     */
    private static void link(Path jar, Path tmp) throws IOException {
        try {
            Files.createLink(tmp, jar);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(jar, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The last verified jar of {@code location}, if it is still there with the bytes it was kept for. */
    synchronized Optional<Path> lastVerified(String location) {
        String sha256 = byLocation.getProperty(location);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        Path jar = jars.resolve(sha256 + ".jar");
        try {
            if (Files.isRegularFile(jar) && Sha256.of(jar).equals(sha256)) {
                return Optional.of(jar);
            }
            LOG.warning("kept jar " + jar + " is missing or damaged; nothing to restore for " + location);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read kept jar " + jar, e);
        }
        return Optional.empty();
    }

    synchronized Optional<String> lastVerifiedHash(String location) {
        return Optional.ofNullable(byLocation.getProperty(location));
    }

    /** Forgets {@code location} (its bundle was uninstalled) and deletes its jar if nothing else refers to it. */
    synchronized void forget(String location) throws IOException {
        String previous = (String) byLocation.remove(location);
        if (previous != null) {
            Persist.store(byLocation, mapFile, "StateOS trust: bundle location = SHA-256 of its last verified jar");
            deleteIfUnused(previous);
        }
    }

    private void deleteIfUnused(String sha256) throws IOException {
        if (sha256 != null && SHA256.matcher(sha256).matches() && !byLocation.containsValue(sha256)) {
            Files.deleteIfExists(jars.resolve(sha256 + ".jar"));
        }
    }
}
