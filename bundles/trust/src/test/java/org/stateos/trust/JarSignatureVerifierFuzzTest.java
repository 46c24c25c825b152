package org.stateos.trust;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.security.auth.x500.X500Principal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.trust.TestPki.Identity;

/**
 * Jazzer fuzz tests of {@link JarSignatureVerifier}: it parses any jar an attacker hands to {@code bundle:install}.
 *
 * <p>A plain {@code mvn test} only replays inputs: the empty input, the seeds of {@code @MethodSource}, and the files
 * in {@code src/test/resources/org/stateos/trust/JarSignatureVerifierFuzzTestInputs/<method>/} (findings kept as
 * regression inputs). With {@code JAZZER_FUZZ=1} (or {@code -Pfuzz}, see the bundle's README) one method is fuzzed.
 *
 * <p>The vendor key is made at class initialisation and lives only in this JVM: the fuzzer never sees it and cannot
 * forge an ECDSA signature, so a trusted verdict on anything it changed is a bug of the verifier.
 */
@Tag("fuzz")
class JarSignatureVerifierFuzzTest {

    private static final Identity VENDOR = TestPki.selfSigned(TestPki.VENDOR);
    private static final X509Certificate ANCHOR = VENDOR.certificate();
    private static final String MANIFEST = "META-INF/MANIFEST.MF";

    /** The vendor-signed jar every mutation starts from: its bytes, its entries, and what its signature covers. */
    private static final byte[] SIGNED;
    private static final List<ZipBytes.Entry> SIGNED_ENTRIES;
    private static final SignedContent ORIGINAL;

    /**
     * java.util.jar warns of every duplicate manifest attribute it reads through System.Logger (JUL here). Fuzzed
     * manifests have thousands; kept as a field so the configured logger is not collected.
     */
    private static final java.util.logging.Logger JAR_LOGGER = java.util.logging.Logger.getLogger("java.util.jar");

    static {
        JAR_LOGGER.setLevel(java.util.logging.Level.SEVERE);
        try {
            Path dir = Files.createTempDirectory("trust-fuzz");
            try {
                Map<String, byte[]> entries = new LinkedHashMap<>(TestPki.someEntries());
                entries.put("org/example/messages.properties", "greeting=hello\n".repeat(40).getBytes(UTF_8));
                Path unsigned = TestPki.jar(dir.resolve("unsigned.jar"), "org.example", entries);
                Path signed = TestPki.sign(unsigned, dir.resolve("signed.jar"), VENDOR);
                SIGNED = Files.readAllBytes(signed);
                SIGNED_ENTRIES = List.copyOf(ZipBytes.read(signed));
                ORIGINAL = SignedContent.read(signed);
            } finally {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TempDir
    static Path dir;

    // ---------------------------------------------------------------------------------------------------------------
    // Target 1: any bytes.

    /**
     * Any bytes as a jar: {@code verify} returns a verdict (no exception or error escapes, no hang: libFuzzer's
     * {@code -timeout=10} per input when fuzzing, a JUnit timeout per replayed input, both set in the pom), and the
     * verdict is never "trusted": nothing here is signed by the vendor's key.
     */
    @DictionaryEntries({"PK\u0003\u0004", "PK\u0001\u0002", "PK\u0005\u0006", "PK\u0007\u0008", "META-INF/",
            "META-INF/MANIFEST.MF", "META-INF/VENDOR.SF", "META-INF/VENDOR.EC", "Manifest-Version: 1.0",
            "Signature-Version: 1.0", "Name: ", "SHA-256-Digest: ", "SHA-256-Digest-Manifest: ",
            "SHA-256-Digest-Manifest-Main-Attributes: "}) // one line each: libFuzzer's dictionary format
    @MethodSource("notVendorSignedSeeds")
    @FuzzTest(maxDuration = "30s")
    void verifyNeverThrowsAndNeverTrustsGarbage(byte[] bytes) throws IOException {
        VerificationResult result = verifyBytes(bytes == null ? new byte[0] : bytes);
        assertNotNull(result);
        assertFalse(result.trusted(), () -> "garbage trusted: " + result);
    }

    /**
     * Seeds for target 1, made at test time (no seed file in the tree). None is signed by the vendor's key, since
     * a mutation the signature does not cover would rightly stay trusted. They lead the fuzzer into every branch:
     * unsigned, signed by a look-alike of the vendor, signed through a foreign CA, empty zip, not a zip.
     */
    static Stream<byte[]> notVendorSignedSeeds() throws IOException {
        Path seeds = Files.createTempDirectory("trust-fuzz-seeds");
        try {
            Path unsigned = TestPki.jar(seeds.resolve("unsigned.jar"), "org.example", TestPki.someEntries());
            Identity lookAlike = TestPki.selfSigned(TestPki.VENDOR);
            Identity foreignCa = TestPki.selfSigned(new X500Principal("CN=Foreign CA"));
            Identity foreignLeaf = TestPki.issue(
                    TestPki.issue(foreignCa, new X500Principal("CN=StateOS Build CA"), true),
                    new X500Principal("CN=StateOS Build 42"), false);
            return Stream.of(
                    Files.readAllBytes(unsigned),
                    Files.readAllBytes(TestPki.sign(unsigned, seeds.resolve("look-alike.jar"), lookAlike)),
                    Files.readAllBytes(TestPki.sign(unsigned, seeds.resolve("foreign.jar"), foreignLeaf)),
                    ZipBytes.write(List.of(), new byte[0]),
                    "not a jar".getBytes(UTF_8));
        } finally {
            deleteTree(seeds);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Target 2: a vendor-signed jar, changed.

    /**
     * Starts from a vendor-signed jar and lets the fuzzer choose changes: to entries (content, names, added, removed,
     * contents swapped), to the manifest (text edits, sections removed or added, digests forged), to what no
     * signature covers (compression, extra fields, times, comments, order), and to raw bytes of the archive.
     * Oracle: trusted ⇒ the signed content ({@link SignedContent}) equals the original's.
     */
    @FuzzTest(maxDuration = "30s")
    void mutatedSignedJarIsNeverTrusted(FuzzedDataProvider data) throws IOException {
        List<String> mutations = new ArrayList<>();
        byte[] jar = mutate(data, mutations);
        Path file = dir.resolve("mutated.jar");
        Files.write(file, jar);
        try {
            VerificationResult result = JarSignatureVerifier.verify(file, ANCHOR);
            assertNotNull(result);
            if (result.trusted()) {
                SignedContent seen = SignedContent.read(file);
                if (!ORIGINAL.equals(seen)) {
                    fail("trusted although the signed content changed (" + ORIGINAL.differences(seen)
                            + "); mutations: " + mutations);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Checks of the harness itself: the oracle is neither blind nor stricter than the signature.

    @Test
    void harnessStartsFromAVendorSignedJar() throws IOException {
        VerificationResult result = verifyBytes(SIGNED);
        assertTrue(result.trusted(), result::toString);
        Path file = dir.resolve("again.jar");
        Files.write(file, SIGNED);
        assertEquals(ORIGINAL, SignedContent.read(file));
    }

    @Test
    void harnessKeepsTrustWhenOnlyUnsignedMetadataChanges() throws IOException {
        List<ZipBytes.Entry> entries = new ArrayList<>();
        for (ZipBytes.Entry e : SIGNED_ENTRIES) {
            entries.add(e.withMetadata(!e.deflated(), new byte[] {(byte) 0xfe, (byte) 0xca, 2, 0, 'h', 'i'},
                    ZipBytes.SOME_DOS_TIME + (2 << 16), "an entry comment".getBytes(UTF_8)));
        }
        Collections.reverse(entries);
        byte[] rezipped = ZipBytes.write(entries, "an archive comment".getBytes(UTF_8));
        assertNotEquals(ByteBuffer.wrap(SIGNED), ByteBuffer.wrap(rezipped));
        VerificationResult result = verifyBytes(rezipped);
        assertTrue(result.trusted(), result::toString);
        Path file = dir.resolve("rezipped.jar");
        Files.write(file, rezipped);
        assertEquals(ORIGINAL, SignedContent.read(file));
    }

    /**
     * Found by {@link #mutatedSignedJarIsNeverTrusted}: JarFile's verifying stream stops at an entry's declared
     * size, a plain ZipFile reads its data to the end. Bytes after the signed content were trusted and served.
     */
    @Test
    void refusesBytesHiddenAfterTheSignedContentOfAnEntry() throws IOException {
        for (boolean deflated : new boolean[] {true, false}) {
            List<ZipBytes.Entry> entries = new ArrayList<>(SIGNED_ENTRIES);
            int p = indexOf(entries, "org/example/messages.properties");
            entries.set(p, entries.get(p).withMetadata(deflated, new byte[0], ZipBytes.SOME_DOS_TIME, new byte[0])
                    .withHiddenTail("\nadmin.password=evil\n".getBytes(UTF_8)));
            Path file = dir.resolve("tail.jar");
            Files.write(file, ZipBytes.write(entries, new byte[0]));
            VerificationResult result = JarSignatureVerifier.verify(file, ANCHOR);
            assertFalse(result.trusted(), result::toString);
            assertNotEquals(ORIGINAL, SignedContent.read(file));
            if (deflated) {
                assertEquals("entry org/example/messages.properties holds 621 bytes but declares 600"
                        + " (content outside the signature)", result.reason());
            }
        }
    }

    @Test
    void harnessSeesOneChangedByteOfContent() throws IOException {
        List<ZipBytes.Entry> entries = new ArrayList<>(SIGNED_ENTRIES);
        int a = indexOf(entries, "org/example/A.class");
        byte[] content = entries.get(a).content().clone();
        content[0] ^= 1;
        entries.set(a, entries.get(a).withContent(content));
        Path file = dir.resolve("changed.jar");
        Files.write(file, ZipBytes.write(entries, new byte[0]));
        assertNotEquals(ORIGINAL, SignedContent.read(file));
        assertFalse(JarSignatureVerifier.verify(file, ANCHOR).trusted());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The mutations.

    private static byte[] mutate(FuzzedDataProvider data, List<String> log) {
        List<ZipBytes.Entry> entries = new ArrayList<>(SIGNED_ENTRIES);
        byte[] archiveComment = new byte[0];
        boolean rezip = false;
        int steps = data.consumeInt(0, 4);
        for (int step = 0; step < steps; step++) {
            int op = data.consumeInt(0, 10);
            if (entries.isEmpty() && op != 3) {
                continue;
            }
            rezip = true;
            int i = data.consumeInt(0, Math.max(0, entries.size() - 1));
            switch (op) {
                case 0 -> { // flip one byte of an entry's content
                    byte[] content = entries.get(i).content().clone();
                    if (content.length == 0) {
                        content = new byte[] {data.consumeByte()};
                    } else {
                        content[data.consumeInt(0, content.length - 1)] ^= (byte) data.consumeInt(1, 255);
                    }
                    entries.set(i, entries.get(i).withContent(content));
                    log.add("flip a byte of " + entries.get(i).name());
                }
                case 1 -> { // replace an entry's content
                    entries.set(i, entries.get(i).withContent(data.consumeBytes(data.consumeInt(0, 1024))));
                    log.add("replace the content of " + entries.get(i).name());
                }
                case 2 -> { // append to, or truncate, an entry's content
                    byte[] content = entries.get(i).content();
                    if (data.consumeBoolean()) {
                        content = concat(content, data.consumeBytes(64));
                        log.add("append to " + entries.get(i).name());
                    } else {
                        content = java.util.Arrays.copyOf(content, data.consumeInt(0, content.length));
                        log.add("truncate " + entries.get(i).name());
                    }
                    entries.set(i, entries.get(i).withContent(content));
                }
                case 3 -> { // add an entry
                    String name = pickName(data, entries);
                    byte[] content = data.consumeBytes(data.consumeInt(0, 256));
                    int at = data.consumeInt(0, entries.size());
                    entries.add(at, new ZipBytes.Entry(name, content, data.consumeBoolean()));
                    log.add("add " + name + " (" + content.length + " bytes) at " + at);
                }
                case 4 -> log.add("remove " + entries.remove(i).name());
                case 5 -> { // rename an entry
                    String name = pickName(data, entries);
                    log.add("rename " + entries.get(i).name() + " to " + name);
                    entries.set(i, entries.get(i).withName(name));
                }
                case 6 -> editManifest(data, entries, log);
                case 7 -> forgeManifestDigests(data, entries, log);
                case 8 -> { // what no signature covers
                    switch (data.consumeInt(0, 3)) {
                        case 0 -> {
                            ZipBytes.Entry e = entries.get(i);
                            entries.set(i, e.withMetadata(!e.deflated(), e.extra(), e.dosTime(), e.comment()));
                            log.add("recompress " + e.name());
                        }
                        case 1 -> {
                            ZipBytes.Entry e = entries.get(i);
                            byte[] extra = extraField(data.consumeInt(2, 0xffff), data.consumeBytes(32));
                            entries.set(i, e.withMetadata(e.deflated(), extra, data.consumeInt(), e.comment()));
                            log.add("extra field and time of " + e.name());
                        }
                        case 2 -> {
                            archiveComment = data.consumeBytes(64);
                            ZipBytes.Entry e = entries.get(i);
                            entries.set(i, e.withMetadata(e.deflated(), e.extra(), e.dosTime(),
                                    data.consumeBytes(64)));
                            log.add("comments (archive, " + e.name() + ")");
                        }
                        default -> {
                            int to = data.consumeInt(0, entries.size() - 1);
                            ZipBytes.Entry e = entries.remove(i);
                            entries.add(to, e);
                            log.add("move " + e.name() + " to " + to);
                        }
                    }
                }
                case 9 -> { // one entry gets another's content (e.g. two classes swapped)
                    int j = data.consumeInt(0, entries.size() - 1);
                    entries.set(i, entries.get(i).withContent(entries.get(j).content()));
                    log.add("content of " + entries.get(j).name() + " into " + entries.get(i).name());
                }
                default -> { // bytes after the content in the entry's data; the headers declare the content alone
                    byte[] tail = data.consumeBytes(64);
                    entries.set(i, entries.get(i).withHiddenTail(tail));
                    log.add("hide " + tail.length + " bytes after " + entries.get(i).name());
                }
            }
        }
        byte[] jar = rezip ? ZipBytes.write(entries, archiveComment) : SIGNED.clone();
        // Raw edits land at an offset within a part of one entry (local header, data, central record), so that a
        // kept input means the same edit in every run: the vendor key, and so the signature's size, is new each run.
        List<ZipBytes.Layout> layout = ZipBytes.layout(jar);
        int rawEdits = data.consumeInt(0, 4);
        for (int edit = 0; edit < rawEdits && jar.length > 0; edit++) {
            int at = rawOffset(data, layout, jar.length);
            switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    jar[at] ^= (byte) data.consumeInt(1, 255);
                    log.add("raw: flip byte " + at);
                }
                case 1 -> {
                    jar[at] = data.consumeByte();
                    log.add("raw: set byte " + at);
                }
                case 2 -> {
                    byte[] inserted = data.consumeBytes(16);
                    jar = concat(concat(java.util.Arrays.copyOf(jar, at), inserted),
                            java.util.Arrays.copyOfRange(jar, at, jar.length));
                    log.add("raw: insert " + inserted.length + " bytes at " + at);
                }
                default -> {
                    int end = Math.min(jar.length, at + data.consumeInt(1, 16));
                    jar = concat(java.util.Arrays.copyOf(jar, at), java.util.Arrays.copyOfRange(jar, end, jar.length));
                    log.add("raw: delete bytes " + at + ".." + end);
                }
            }
        }
        return jar;
    }

    private static int rawOffset(FuzzedDataProvider data, List<ZipBytes.Layout> layout, int length) {
        if (layout.isEmpty()) {
            return data.consumeInt(0, length - 1);
        }
        ZipBytes.Layout entry = layout.get(data.consumeInt(0, layout.size() - 1));
        int[] part = switch (data.consumeInt(0, 2)) {
            case 0 -> new int[] {entry.localStart(), entry.dataStart()};
            case 1 -> new int[] {entry.dataStart(), entry.dataEnd()};
            default -> new int[] {entry.centralStart(), entry.centralEnd()};
        };
        int at = part[0] + data.consumeInt(0, Math.max(0, part[1] - part[0] - 1));
        return Math.min(at, length - 1);
    }

    /** Names an attacker would try: duplicates, case tricks, signature-file look-alikes, paths, anything. */
    private static String pickName(FuzzedDataProvider data, List<ZipBytes.Entry> entries) {
        String existing = entries.isEmpty() ? "org/example/A.class"
                : entries.get(data.consumeInt(0, entries.size() - 1)).name();
        return switch (data.consumeInt(0, 11)) {
            case 0 -> existing;
            case 1 -> toggleCase(existing, data.consumeInt(0, Math.max(0, existing.length() - 1)));
            case 2 -> "org/example/C.class";
            case 3 -> "META-INF/EVIL.SF";
            case 4 -> "META-INF/SIG-EVIL";
            case 5 -> MANIFEST;
            case 6 -> "META-INF/versions/11/" + existing;
            case 7 -> existing + "/";
            case 8 -> "/" + existing;
            case 9 -> "org/added/";
            case 10 -> "META-INF/sub/X.SF";
            default -> data.consumeAsciiString(48);
        };
    }

    private static void editManifest(FuzzedDataProvider data, List<ZipBytes.Entry> entries, List<String> log) {
        int m = indexOf(entries, MANIFEST);
        if (m < 0) {
            return;
        }
        String text = new String(entries.get(m).content(), ISO_8859_1);
        switch (data.consumeInt(0, 5)) {
            case 0 -> {
                int at = data.consumeInt(0, text.length());
                String inserted = data.consumeAsciiString(80);
                text = text.substring(0, at) + inserted + text.substring(at);
                log.add("manifest: insert " + quote(inserted) + " at " + at);
            }
            case 1 -> {
                int at = data.consumeInt(0, text.length());
                int end = Math.min(text.length(), at + data.consumeInt(1, 80));
                log.add("manifest: delete " + quote(text.substring(at, end)));
                text = text.substring(0, at) + text.substring(end);
            }
            case 2 -> { // a header added to the main attributes
                String header = data.pickValue(List.of("DynamicImport-Package", "Bundle-Activator", "Import-Package",
                        "Bundle-ClassPath", "Fragment-Host", "Multi-Release")) + ": "
                        + data.consumeAsciiString(40) + "\r\n";
                int at = text.indexOf('\n') + 1;
                text = text.substring(0, at) + header + text.substring(at);
                log.add("manifest: main attribute " + quote(header));
            }
            case 3 -> { // a whole section removed
                List<String> sections = new ArrayList<>(List.of(text.split("(?<=\r\n\r\n)")));
                if (sections.size() > 1) {
                    String removed = sections.remove(data.consumeInt(1, sections.size() - 1));
                    text = String.join("", sections);
                    log.add("manifest: remove section " + quote(removed));
                }
            }
            case 4 -> { // a section appended
                String section = "Name: " + pickName(data, entries) + "\r\n"
                        + (data.consumeBoolean() ? "SHA-256-Digest: " + sha256(data.consumeBytes(64))
                                : data.consumeAsciiString(40)) + "\r\n\r\n";
                text = text + section;
                log.add("manifest: append " + quote(section));
            }
            default -> {
                text = text.replace("\r\n", "\n");
                log.add("manifest: LF line ends");
            }
        }
        entries.set(m, entries.get(m).withContent(text.getBytes(ISO_8859_1)));
    }

    /** What an attacker does next to changed entries: the manifest's digests made to match them. */
    private static void forgeManifestDigests(FuzzedDataProvider data, List<ZipBytes.Entry> entries, List<String> log) {
        int m = indexOf(entries, MANIFEST);
        if (m < 0) {
            return;
        }
        Manifest manifest;
        try {
            manifest = new Manifest(new ByteArrayInputStream(entries.get(m).content()));
        } catch (IOException | RuntimeException e) {
            return;
        }
        Map<String, ZipBytes.Entry> present = new HashMap<>();
        for (ZipBytes.Entry e : entries) {
            if (!SignedContent.isSignatureFile(e.name()) && !e.name().endsWith("/")) {
                present.putIfAbsent(e.name(), e);
            }
        }
        boolean dropAbsent = data.consumeBoolean();
        if (dropAbsent) {
            manifest.getEntries().keySet().retainAll(present.keySet());
        }
        for (ZipBytes.Entry e : present.values()) {
            manifest.getEntries().computeIfAbsent(e.name(), n -> new Attributes())
                    .putValue("SHA-256-Digest", sha256(e.content()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            manifest.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.set(m, entries.get(m).withContent(out.toByteArray()));
        log.add("manifest: digests forged to match the entries" + (dropAbsent ? ", sections of absent ones dropped" : ""));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The oracle.

    /**
     * What the vendor's signature vouches for, read the way the verifier and Felix read a jar
     * ({@link java.util.zip.ZipFile}: the central directory; {@link JarFile#getManifest()}):
     * <ul>
     *   <li>the name and uncompressed content of every entry, except signature files (META-INF/MANIFEST.MF,
     *       META-INF/*.SF|*.DSA|*.RSA|*.EC, META-INF/SIG-*) and empty directory entries, which carry no signer
     *       by the JAR specification (JarSigner signs neither);</li>
     *   <li>the manifest's main attributes (the bundle headers; the .SF carries their digest);</li>
     *   <li>the manifest sections of the entries signed originally.</li>
     * </ul>
     * Everything else may change and stay trusted: compressed bytes, compression method, extra fields, times,
     * comments, entry order, the signature files' own bytes (their PKCS#7 parts outside the signed attributes),
     * manifest sections for names the signature does not cover. Null stands for "cannot be read, or a name occurs
     * twice", which is never the original.
     */
    record SignedContent(Map<String, ByteBuffer> entries, Attributes mainAttributes,
                         Map<String, Attributes> signedSections) {

        static SignedContent read(Path jar) {
            Map<String, ByteBuffer> entries = new HashMap<>();
            try (ZipFile zip = new ZipFile(jar.toFile()); JarFile manifestReader = new JarFile(jar.toFile(), false)) {
                Set<String> names = new TreeSet<>();
                for (ZipEntry e : Collections.list(zip.entries())) {
                    if (!names.add(e.getName())) {
                        return null;
                    }
                    byte[] content;
                    try (InputStream in = zip.getInputStream(e)) {
                        content = in.readAllBytes();
                    }
                    if (isSignatureFile(e.getName()) || (e.getName().endsWith("/") && content.length == 0)) {
                        continue;
                    }
                    entries.put(e.getName(), ByteBuffer.wrap(content));
                }
                Manifest manifest = manifestReader.getManifest();
                if (manifest == null) {
                    return new SignedContent(entries, null, Map.of());
                }
                Map<String, Attributes> sections = new HashMap<>();
                Set<String> signedNames = ORIGINAL == null ? manifest.getEntries().keySet()
                        : ORIGINAL.signedSections.keySet();
                for (String name : signedNames) {
                    Attributes section = manifest.getAttributes(name);
                    if (section != null) {
                        sections.put(name, section);
                    }
                }
                return new SignedContent(entries, manifest.getMainAttributes(), sections);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** For failure messages: which names differ. */
        String differences(SignedContent other) {
            if (other == null) {
                return "the jar is unreadable by ZipFile, or has a duplicate name";
            }
            List<String> differ = new ArrayList<>();
            Set<String> all = new TreeSet<>(entries.keySet());
            all.addAll(other.entries.keySet());
            for (String name : all) {
                if (!java.util.Objects.equals(entries.get(name), other.entries.get(name))) {
                    differ.add(name + (other.entries.containsKey(name)
                            ? entries.containsKey(name) ? " changed" : " added" : " removed"));
                }
            }
            if (!java.util.Objects.equals(mainAttributes, other.mainAttributes)) {
                differ.add("main attributes " + other.mainAttributes);
            }
            if (!signedSections.equals(other.signedSections)) {
                differ.add("manifest sections " + other.signedSections.keySet());
            }
            return String.join(", ", differ);
        }

        /** The JAR specification's signature-related names (those that need no signer). */
        static boolean isSignatureFile(String name) {
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
                return false;
            }
            String file = upper.substring("META-INF/".length());
            return file.equals("MANIFEST.MF") || file.startsWith("SIG-") || file.endsWith(".SF")
                    || file.endsWith(".DSA") || file.endsWith(".RSA") || file.endsWith(".EC");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static VerificationResult verifyBytes(byte[] bytes) throws IOException {
        Path file = dir.resolve("input.jar");
        Files.write(file, bytes);
        try {
            return JarSignatureVerifier.verify(file, ANCHOR);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static int indexOf(List<ZipBytes.Entry> entries, String name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A well-formed extra field (header id, length, data): the JDK refuses malformed ones outright. */
    private static byte[] extraField(int id, byte[] payload) {
        int headerId = id == 0x0001 ? 0xcafe : id; // 0x0001 is ZIP64, whose sizes the JDK checks
        byte[] field = new byte[4 + payload.length];
        field[0] = (byte) headerId;
        field[1] = (byte) (headerId >>> 8);
        field[2] = (byte) payload.length;
        field[3] = (byte) (payload.length >>> 8);
        System.arraycopy(payload, 0, field, 4, payload.length);
        return field;
    }

    private static String toggleCase(String name, int at) {
        if (name.isEmpty()) {
            return name;
        }
        char c = name.charAt(at);
        char toggled = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        return name.substring(0, at) + toggled + name.substring(at + 1);
    }

    private static String sha256(byte[] content) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String quote(String s) {
        return '"' + s.replace("\r", "\\r").replace("\n", "\\n") + '"';
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
