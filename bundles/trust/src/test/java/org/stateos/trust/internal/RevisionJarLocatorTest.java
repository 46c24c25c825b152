package org.stateos.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevisionJarLocatorTest {

    @TempDir
    Path cache;

    private Path revision(String bundleDir, String revisionDir, String location, boolean withJar) throws IOException {
        Path dir = Files.createDirectories(cache.resolve(bundleDir).resolve(revisionDir));
        Files.writeString(dir.resolve("revision.location"), location);
        if (withJar) {
            Files.writeString(dir.resolve("bundle.jar"), revisionDir);
        }
        return dir.resolve("bundle.jar");
    }

    @Test
    void findsTheJarOfTheOnlyRevision() throws IOException {
        Path jar = revision("bundle7", "version0.0", "mvn:org.example/a/1.0", true);
        Files.createDirectories(cache.resolve("bundle7/data"));
        RevisionJarLocator.Located located = RevisionJarLocator.locate(cache.resolve("bundle7"));
        assertEquals(jar, located.jar());
    }

    @Test
    void takesTheHighestRevisionNumberComparedAsNumbers() throws IOException {
        revision("bundle7", "version0.0", "inputstream:", true);
        revision("bundle7", "version0.9", "inputstream:", true);
        Path newest = revision("bundle7", "version0.10", "inputstream:", true);
        assertEquals(newest, RevisionJarLocator.locate(cache.resolve("bundle7")).jar());
    }

    @Test
    void prefersTheHigherRefreshCountForTheSameRevision() throws IOException {
        revision("bundle7", "version0.3", "inputstream:", true);
        Path renamed = revision("bundle7", "version1.3", "inputstream:", true);
        revision("bundle7", "version1.2", "inputstream:", true);
        assertEquals(renamed, RevisionJarLocator.locate(cache.resolve("bundle7")).jar());
    }

    @Test
    void ignoresDirectoriesThatAreNotRevisions() throws IOException {
        Path jar = revision("bundle7", "version0.1", "inputstream:", true);
        Files.createDirectories(cache.resolve("bundle7/version0.99x"));
        Files.createDirectories(cache.resolve("bundle7/data/version0.5"));
        Files.writeString(cache.resolve("bundle7/version0.7"), "a file, not a directory");
        assertEquals(jar, RevisionJarLocator.locate(cache.resolve("bundle7")).jar());
    }

    @Test
    void refusesAReferenceInstallAsNotASignedJar() throws IOException {
        revision("bundle7", "version0.0", "reference:file:/opt/exploded/", false);
        RevisionJarLocator.Located located = RevisionJarLocator.locate(cache.resolve("bundle7"));
        assertFalse(located.found());
        assertEquals("bundle content is not a signed jar (reference:file:/opt/exploded/)", located.problem());
    }

    @Test
    void refusesWhenTheNewestRevisionHasNoJarEvenIfAnOlderOneHas() throws IOException {
        revision("bundle7", "version0.0", "inputstream:", true);
        revision("bundle7", "version0.1", "reference:file:/tmp/evil.jar", false);
        RevisionJarLocator.Located located = RevisionJarLocator.locate(cache.resolve("bundle7"));
        assertFalse(located.found());
        assertTrue(located.problem().startsWith(RevisionJarLocator.NOT_A_SIGNED_JAR), located::problem);
    }

    @Test
    void saysSoWhenThereIsNoRevisionOrNoArchive() throws IOException {
        Files.createDirectories(cache.resolve("bundle7/data"));
        assertTrue(RevisionJarLocator.locate(cache.resolve("bundle7")).problem().startsWith("no revision directory"));
        assertTrue(RevisionJarLocator.locate(cache.resolve("bundle8")).problem().startsWith("bundle archive not found"));
        assertFalse(RevisionJarLocator.locate(null).found());
    }

    @Test
    void findsTheArchiveByTheCacheLayout() throws IOException {
        revision("bundle7", "version0.0", "inputstream:", true);
        FakeFramework.FakeBundle bundle = new FakeFramework(cache).bundle(7);
        assertEquals(cache.resolve("bundle7"), RevisionJarLocator.archiveRoot(bundle.bundle, cache));
    }
}
