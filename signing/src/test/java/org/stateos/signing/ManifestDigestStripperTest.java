package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestDigestStripperTest {

    private static String strip(String manifest) {
        return new String(ManifestDigestStripper.strip(manifest.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheMainSectionByteForByteAndDropsDigestOnlySections() {
        String main = "Manifest-Version: 1.0\r\nBundle-SymbolicName: a.b\r\nImport-Package: org.osgi.framework;versi\r\n"
                + " on=\"[1.8,2)\"\r\nSHA-256-Digest-Manifest: kept-in-main-as-written\r\n\r\n";
        String signed = main
                + "Name: a/B.class\r\nSHA-256-Digest: AAAA\r\n\r\n"
                + "Name: a/C.class\r\nSHA1-Digest: BBBB\r\nMD5-Digest: CCCC\r\n\r\n";
        assertEquals(main, strip(signed));
    }

    @Test
    void keepsOtherPerEntryAttributesAndTheirContinuationLines() {
        String main = "Manifest-Version: 1.0\n\n";
        String signed = main
                + "Name: a/very/long/path/that/goes/on/and/on/and/on/and/on/and/on/Thing.cl\n ass\n"
                + "SHA-256-Digest: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n AAAA=\n"
                + "Sealed: true\n\n"
                + "Name: b/D.class\nDigest-Algorithms: SHA MD5\nSHA-Digest: x\nMD5-Digest: y\n\n";
        String expected = main
                + "Name: a/very/long/path/that/goes/on/and/on/and/on/and/on/and/on/Thing.cl\n ass\n"
                + "Sealed: true\n\n";
        assertEquals(expected, strip(signed));
    }

    @Test
    void leavesAnUnsignedManifestUnchanged() {
        String manifest = "Manifest-Version: 1.0\nBundle-Version: 1.0.0\n\nName: x/\nSealed: false\n\n";
        assertEquals(manifest, strip(manifest));
        assertEquals("Manifest-Version: 1.0\nCreated-By: me", strip("Manifest-Version: 1.0\nCreated-By: me"));
    }
}
