package org.stateos.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds and edits test jars at test time (no binary fixtures). */
final class TestJars {

    /** A manifest like a bnd-made bundle's, with a long header that wraps over continuation lines. */
    static final String BUNDLE_MANIFEST = """
            Manifest-Version: 1.0\r
            Bundle-ManifestVersion: 2\r
            Bundle-SymbolicName: org.example.demo;singleton:=true\r
            Bundle-Version: 1.2.3.v20260101\r
            Bundle-Name: Demo bundle with a long name that wraps past seventy-two bytes in the manifest\r
             , continued\r
            Export-Package: org.example.demo;version="1.2.3";uses:="org.osgi.framewo\r
             rk,org.example.demo.spi"\r
            Import-Package: org.osgi.framework;version="[1.10,2)",org.slf4j;version=\r
             "[1.7,3)"\r
            Require-Capability: osgi.ee;filter:="(&(osgi.ee=JavaSE)(version=17))"\r
            Karaf-Commands: *\r
            \r
            Name: org/example/demo/Sealed.class\r
            Sealed: true\r
            \r
            """;

    private TestJars() {}

    /** A bundle jar with directories, classes, resources, a stored entry, an empty file and a large entry. */
    static Path bundle(Path file) throws IOException {
        return bundle(file, BUNDLE_MANIFEST, 1);
    }

    static Path bundle(Path file, String manifest, long seed) throws IOException {
        Random random = new Random(seed);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("org/", null);
        entries.put("org/example/", null);
        entries.put("org/example/demo/", null);
        entries.put("org/example/demo/Api.class", bytes(random, 700));
        entries.put("org/example/demo/Sealed.class", bytes(random, 300));
        entries.put("org/example/demo/internal/Impl.class", bytes(random, 2_000));
        entries.put("OSGI-INF/org.example.demo.Impl.xml", "<scr:component name=\"x\"/>\n".getBytes(StandardCharsets.UTF_8));
        entries.put("META-INF/services/org.example.demo.Api", "org.example.demo.internal.Impl\n".getBytes(StandardCharsets.UTF_8));
        entries.put("META-INF/maven/org.example/demo/pom.properties", "version=1.2.3\n".getBytes(StandardCharsets.UTF_8));
        entries.put("META-INF/versions/11/org/example/demo/Api.class", bytes(random, 400));
        entries.put("empty.txt", new byte[0]);
        entries.put("data/large.txt", "line of text\n".repeat(20_000).getBytes(StandardCharsets.UTF_8));
        return write(file, manifest.getBytes(StandardCharsets.UTF_8), entries, "data/stored.bin", bytes(random, 1_000));
    }

    private static Path write(Path file, byte[] manifest, Map<String, byte[]> entries, String storedName,
                              byte[] storedContent) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/"));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry(JarFile.MANIFEST_NAME));
            jar.write(manifest);
            jar.closeEntry();
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                if (entry.getValue() != null) {
                    jar.write(entry.getValue());
                }
                jar.closeEntry();
            }
            JarEntry stored = new JarEntry(storedName);
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(storedContent.length);
            CRC32 crc = new CRC32();
            crc.update(storedContent);
            stored.setCrc(crc.getValue());
            jar.putNextEntry(stored);
            jar.write(storedContent);
            jar.closeEntry();
        }
        return file;
    }

    private static byte[] bytes(Random random, int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }

    /** Entry names in zip order. */
    static List<String> names(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().forEach(entry -> names.add(entry.getName()));
        }
        return names;
    }

    static byte[] read(Path jar, String name) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new IOException("no entry " + name + " in " + jar);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * Rewrites the jar into {@code target}: {@code edit} may change each entry's content (return null to drop it);
     * {@code extra} entries are appended at the end.
     */
    static Path rewrite(Path source, Path target, EntryEdit edit, Map<String, byte[]> extra) throws IOException {
        try (ZipFile zip = new ZipFile(source.toFile());
             OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                byte[] content;
                try (InputStream in = zip.getInputStream(entry)) {
                    content = in.readAllBytes();
                }
                byte[] edited = edit.apply(entry.getName(), content);
                if (edited == null) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(edited);
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> entry : extra.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return target;
    }

    /** Changes (or drops, returning null) entry content during {@link #rewrite}. */
    @FunctionalInterface
    interface EntryEdit {
        byte[] apply(String name, byte[] content);
    }

    static EntryEdit changeOneByte(String target) {
        return (name, content) -> {
            if (!name.equals(target)) {
                return content;
            }
            byte[] changed = content.clone();
            changed[changed.length / 2] ^= 0x01;
            return changed;
        };
    }

    static EntryEdit drop(String target) {
        return (name, content) -> name.equals(target) ? null : content;
    }

    static EntryEdit editText(String target, UnaryOperator<String> change) {
        return (name, content) -> name.equals(target)
                ? change.apply(new String(content, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)
                : content;
    }

    /** The distinct signer certificates (first of each path) over all entries, read with verification on. */
    static List<X509Certificate> signerCertificates(Path jar) throws IOException {
        List<X509Certificate> signers = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            for (JarEntry entry : Collections.list(file.entries())) {
                try (InputStream in = file.getInputStream(entry)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                CodeSigner[] codeSigners = entry.getCodeSigners();
                if (codeSigners == null) {
                    continue;
                }
                for (CodeSigner signer : codeSigners) {
                    X509Certificate certificate = (X509Certificate) signer.getSignerCertPath().getCertificates().get(0);
                    if (!signers.contains(certificate)) {
                        signers.add(certificate);
                    }
                }
            }
        }
        return signers;
    }

    /** The raw bytes of the manifest's main section (up to and including its terminating blank line). */
    static byte[] mainSection(byte[] manifest) {
        String text = new String(manifest, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        if (end < 0 || (lf >= 0 && lf < end)) {
            end = lf < 0 ? text.length() : lf + 2;
        } else {
            end += 4;
        }
        return text.substring(0, Math.min(end, text.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
