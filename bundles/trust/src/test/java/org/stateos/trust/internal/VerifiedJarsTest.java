package org.stateos.trust.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedJarsTest {

    @TempDir
    Path dir;

    private Path jar(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void keepsTheLastVerifiedJarOfALocationAcrossBoots() throws IOException {
        Path v1 = jar("v1.jar", "version one");
        VerifiedJars.open(dir.resolve("data")).keep("mvn:x/y/1", Sha256.of(v1), v1);
        Files.delete(v1); // Felix purges old revisions; the kept copy must not depend on them

        Optional<Path> kept = VerifiedJars.open(dir.resolve("data")).lastVerified("mvn:x/y/1");
        assertTrue(kept.isPresent());
        assertArrayEquals("version one".getBytes(), Files.readAllBytes(kept.get()));
    }

    @Test
    void replacesTheJarWhenANewVersionIsVerifiedAndDeletesTheOldOne() throws IOException {
        Path v1 = jar("v1.jar", "version one");
        Path v2 = jar("v2.jar", "version two");
        VerifiedJars jars = VerifiedJars.open(dir.resolve("data"));
        jars.keep("loc", Sha256.of(v1), v1);
        jars.keep("loc", Sha256.of(v2), v2);
        assertEquals(Sha256.of(v2), Sha256.of(jars.lastVerified("loc").orElseThrow()));
        assertFalse(Files.exists(dir.resolve("data/verified/" + Sha256.of(v1) + ".jar")));
    }

    @Test
    void offersNothingWhenTheKeptJarWasDamaged() throws IOException {
        Path v1 = jar("v1.jar", "version one");
        VerifiedJars jars = VerifiedJars.open(dir.resolve("data"));
        jars.keep("loc", Sha256.of(v1), v1);
        Files.writeString(dir.resolve("data/verified/" + Sha256.of(v1) + ".jar"), "tampered");
        assertTrue(jars.lastVerified("loc").isEmpty());
    }

    @Test
    void forgetsAnUninstalledLocationButKeepsAJarAnotherLocationShares() throws IOException {
        Path v1 = jar("v1.jar", "same bytes");
        VerifiedJars jars = VerifiedJars.open(dir.resolve("data"));
        jars.keep("a", Sha256.of(v1), v1);
        jars.keep("b", Sha256.of(v1), v1);
        jars.forget("a");
        assertTrue(jars.lastVerified("a").isEmpty());
        assertTrue(jars.lastVerified("b").isPresent());
        jars.forget("b");
        assertFalse(Files.exists(dir.resolve("data/verified/" + Sha256.of(v1) + ".jar")));
    }
}
