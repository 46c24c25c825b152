package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionsTest {

    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource({
            "1.0.0, 1.0.1",
            "1.0.9, 1.0.10",
            "1.9, 1.10",
            "0.9.9, 1",
            "1.0.0-SNAPSHOT, 1.0.0",
            "1.0.0-rc.1, 1.0.0",
            "1.0.0-rc.2, 1.0.0-rc.10",
            "1.0.0-rc.9, 1.0.0-rc.beta",
            "1.0.0-alpha, 1.0.0-alpha.1",
            "2.0.0, 10.0.0",
    })
    void ordersOlderBeforeNewer(String older, String newer) {
        assertTrue(Versions.compare(older, newer) < 0);
        assertTrue(Versions.compare(newer, older) > 0);
        assertTrue(ReleaseManifest.compareVersions(older, newer) < 0);
        assertFalse(Versions.isNotOlder(older, newer));
        assertTrue(Versions.isNotOlder(newer, older));
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource({"1.2, 1.2.0", "1.2.0, 1.2.0", "1.0.0-rc.01, 1.0.0-rc.1"})
    void treatsEquivalentVersionsAsTheSame(String a, String b) {
        assertEquals(0, Versions.compare(a, b));
        assertTrue(Versions.isNotOlder(a, b), "re-installing the running version is allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "v1.0", "1..2", "1.0-", "one", "1.x.3", "-1", "1.2.3.v2026", "1.0-rc..1", "1.0-rc_1"})
    void rejectsWhatIsNotAVersion(String text) {
        assertThrows(IllegalArgumentException.class, () -> Versions.check(text));
    }
}
