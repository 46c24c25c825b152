package org.stateos.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/** The manifest bnd generated (target/classes, process-classes runs before the tests). */
class ManifestTest {

    private static final Set<String> ALLOWED = Set.of("org.osgi.framework", "org.osgi.framework.hooks.resolver",
            "org.osgi.framework.wiring", "org.osgi.framework.startlevel");

    private static Manifest manifest() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("target/classes/META-INF/MANIFEST.MF"))) {
            return new Manifest(in);
        }
    }

    @Test
    void importsNothingButTheOsgiFramework() throws IOException {
        String imports = manifest().getMainAttributes().getValue("Import-Package");
        List<String> packages = new ArrayList<>();
        for (String clause : imports.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            packages.add(clause.split(";")[0].strip());
        }
        assertTrue(ALLOWED.containsAll(packages), "Import-Package: " + imports);
    }

    @Test
    void declaresItsActivatorAndRefusesFragments() throws IOException {
        var main = manifest().getMainAttributes();
        assertEquals(Activator.class.getName(), main.getValue("Bundle-Activator"));
        assertEquals("org.stateos.trust;fragment-attachment:=never", main.getValue("Bundle-SymbolicName"));
        assertEquals(null, main.getValue("DynamicImport-Package"));
        assertEquals(null, main.getValue("Require-Bundle"));
    }
}
