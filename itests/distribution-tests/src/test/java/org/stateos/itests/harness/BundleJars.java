package org.stateos.itests.harness;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.stateos.signing.KeyDirectory;
import org.stateos.signing.VendorJarSigner;
import org.stateos.signing.VendorKey;

/**
 * Makes bundle jars for the tests from the hello fixture: renamed and re-versioned copies, signed
 * with the build's vendor key or another, and tampered with after signing in each way the gate
 * must refuse. Everything is made at test time; no binary fixture is committed.
 */
public final class BundleJars {
    public static final String CLASS_ENTRY = "org/stateos/itests/hello/HelloRoute.class";
    public static final String MARKER_ENTRY = "version.txt";

    private BundleJars() {}

    public static Path hello() {
        return Path.of(System.getProperty("stateos.fixtures", "target/fixtures")).resolve("hello.jar");
    }

    public static VendorKey vendorKey() throws Exception {
        return new KeyDirectory(Path.of(System.getProperty("stateos.vendor.dir"))).load();
    }

    /** A copy of the hello bundle with its own symbolic name, version and version.txt marker. */
    public static Path variant(Path target, String symbolicName, String version, String marker) throws IOException {
        Map<String, byte[]> entries = read(hello());
        Manifest manifest = new Manifest(new ByteArrayInputStream(entries.get("META-INF/MANIFEST.MF")));
        Attributes main = manifest.getMainAttributes();
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        manifest.write(out);
        entries.put("META-INF/MANIFEST.MF", out.toByteArray());
        entries.put(MARKER_ENTRY, (marker + "\n").getBytes(StandardCharsets.UTF_8));
        write(target, entries);
        return target;
    }

    /** A copy of any bundle jar with another Bundle-Version (signatures stripped by the next sign). */
    public static Path withVersion(Path source, Path target, String version) throws IOException {
        Map<String, byte[]> entries = read(source);
        Manifest manifest = new Manifest(new ByteArrayInputStream(entries.get("META-INF/MANIFEST.MF")));
        manifest.getMainAttributes().putValue("Bundle-Version", version);
        manifest.getEntries().clear();
        entries.keySet().removeIf(name -> name.startsWith("META-INF/") && name.matches("META-INF/[^/]+\\.(SF|EC|RSA|DSA)"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        manifest.write(out);
        entries.put("META-INF/MANIFEST.MF", out.toByteArray());
        write(target, entries);
        return target;
    }

    public static Path sign(Path jar, VendorKey key) throws Exception {
        new VendorJarSigner(key).sign(jar);
        return jar;
    }

    /** Changes one byte in the middle of {@code entry}. */
    public static Path flipByte(Path jar, String entry) throws IOException {
        return rewrite(jar, entries -> {
            byte[] bytes = entries.get(entry).clone();
            bytes[bytes.length / 2] ^= 0x01;
            entries.put(entry, bytes);
            return entries;
        });
    }

    public static Path addEntry(Path jar, String name, byte[] content) throws IOException {
        return rewrite(jar, entries -> {
            entries.put(name, content);
            return entries;
        });
    }

    public static Path removeEntry(Path jar, String name) throws IOException {
        return rewrite(jar, entries -> {
            entries.remove(name);
            return entries;
        });
    }

    /**
     * Adds an entry and a matching digest section to the manifest, as a tool that updates the manifest
     * but cannot re-sign would: the signature then covers only the entries that were there before.
     */
    public static Path addEntryWithManifestDigest(Path jar, String name, byte[] content) throws Exception {
        String digest = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        return rewrite(jar, entries -> {
            try {
                Manifest manifest = new Manifest(new ByteArrayInputStream(entries.get("META-INF/MANIFEST.MF")));
                Attributes section = new Attributes();
                section.putValue("SHA-256-Digest", digest);
                manifest.getEntries().put(name, section);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                manifest.write(out);
                entries.put("META-INF/MANIFEST.MF", out.toByteArray());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            entries.put(name, content);
            return entries;
        });
    }

    private static Path rewrite(Path jar, UnaryOperator<Map<String, byte[]>> change) throws IOException {
        write(jar, change.apply(read(jar)));
        return jar;
    }

    /** Entries in jar order, manifest first as every jar tool writes it. */
    static Map<String, byte[]> read(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (!entry.isDirectory()) {
                    entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
                }
            }
        }
        return entries;
    }

    static void write(Path jar, Map<String, byte[]> entries) throws IOException {
        Path temp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(temp); ZipOutputStream zip = new ZipOutputStream(file)) {
            byte[] manifest = entries.get("META-INF/MANIFEST.MF");
            if (manifest != null) {
                put(zip, "META-INF/MANIFEST.MF", manifest);
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (!e.getKey().equals("META-INF/MANIFEST.MF")) {
                    put(zip, e.getKey(), e.getValue());
                }
            }
        }
        Files.move(temp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
