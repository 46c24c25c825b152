package org.stateos.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdictCacheTest {

    private static final String ANCHOR = "a".repeat(64);
    private static final String OTHER_ANCHOR = "b".repeat(64);
    private static final VerdictCache.Entry TRUSTED = new VerdictCache.Entry(true, "CN=Vendor", "signed by the vendor");

    @TempDir
    Path dir;

    @Test
    void findsAVerdictOnlyForTheSameBytesAndTheSameAnchor() {
        VerdictCache cache = VerdictCache.inMemory();
        String sha = Sha256.of("jar bytes".getBytes());
        cache.put(ANCHOR, sha, TRUSTED);
        assertEquals(TRUSTED, cache.get(ANCHOR, sha));
        assertNull(cache.get(ANCHOR, Sha256.of("jar bytes!".getBytes())), "changed bytes must not find the verdict");
        assertNull(cache.get(OTHER_ANCHOR, sha), "another anchor must not find the verdict");
    }

    @Test
    void keepsVerdictsAcrossBootsInTheDataArea() {
        Path file = dir.resolve("verdicts.properties");
        String sha = Sha256.of("jar".getBytes());
        VerdictCache.Entry refused = new VerdictCache.Entry(false, "", "entry a\tb was modified\nafter signing");
        VerdictCache first = VerdictCache.load(file);
        first.put(ANCHOR, sha, TRUSTED);
        first.put(ANCHOR, Sha256.of("other".getBytes()), refused);

        VerdictCache second = VerdictCache.load(file);
        assertEquals(TRUSTED, second.get(ANCHOR, sha));
        assertEquals("entry a b was modified after signing", second.get(ANCHOR, Sha256.of("other".getBytes())).reason());
    }

    @Test
    void startsEmptyFromADamagedFile() throws IOException {
        Path file = dir.resolve("verdicts.properties");
        Files.writeString(file, "garbage without a separator\n" + ANCHOR + "/x=Q\tnot\ta verdict\n\\u12");
        assertEquals(0, VerdictCache.load(file).size());
    }

    @Test
    void dropsTheOldestEntriesBeyondItsBound() {
        VerdictCache cache = VerdictCache.inMemory();
        for (int i = 0; i <= VerdictCache.MAX_ENTRIES; i++) {
            cache.put(ANCHOR, Sha256.of(("jar " + i).getBytes()), TRUSTED);
        }
        assertEquals(VerdictCache.MAX_ENTRIES, cache.size());
        assertNull(cache.get(ANCHOR, Sha256.of("jar 0".getBytes())));
    }
}
