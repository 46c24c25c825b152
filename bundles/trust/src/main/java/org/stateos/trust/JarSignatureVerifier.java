package org.stateos.trust;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Decides whether a jar is signed by the vendor over every entry. Pure JDK: {@link JarFile} with verification on
 * checks the digests and the signature blocks; this class adds what the JDK leaves to the caller: that every entry
 * is covered, that nothing listed in the signed manifest was removed, and that the signer leads to the vendor anchor.
 *
 * <p>A jar is trusted only if all of these hold:
 * <ul>
 *   <li>it opens as a jar and every entry reads fully with no {@link SecurityException} (no digest mismatch);</li>
 *   <li>every entry the manifest lists with a digest is present;</li>
 *   <li>every non-directory entry that is not signature-related (META-INF/MANIFEST.MF, META-INF/*.SF, *.DSA,
 *       *.RSA, *.EC, META-INF/SIG-*) has code signers, and one of them leads to the anchor: its certificate is
 *       the anchor, or the path validates under PKIX with the anchor as the only trust anchor (revocation off).</li>
 * </ul>
 * Each refusal carries a distinct reason; see the README of the trust bundle for the list.
 */
public final class JarSignatureVerifier {

    private static final String CODE_SIGNING_EKU = "1.3.6.1.5.5.7.3.3";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final int LIST_AT_MOST = 5;

    private JarSignatureVerifier() {}

    /** Same as {@link #verify(Path, X509Certificate)}. */
    public static VerificationResult verify(File jar, X509Certificate anchor) {
        return verify(jar.toPath(), anchor);
    }

    /**
     * Verifies {@code jar} against the vendor certificate {@code anchor}. Never throws for a bad jar: every
     * problem becomes a refused result with its reason.
     */
    public static VerificationResult verify(Path jar, X509Certificate anchor) {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(anchor, "anchor");
        if (!Files.isRegularFile(jar)) {
            return VerificationResult.refused("", "not a jar file: " + jar);
        }
        try (JarFile jarFile = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ);
             ZipFile plain = new ZipFile(jar.toFile(), ZipFile.OPEN_READ)) {
            return check(jarFile, plain, anchor);
        } catch (SecurityException e) {
            return VerificationResult.refused("", "signature is invalid: " + e.getMessage());
        } catch (ZipException e) {
            return VerificationResult.refused("", "not a readable jar: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // java.util.zip throws it for an entry name that is not valid UTF-8 (found by fuzzing)
            return VerificationResult.refused("", "not a readable jar: " + e.getMessage());
        } catch (IOException e) {
            return VerificationResult.refused("", "could not read the jar: " + e);
        } catch (RuntimeException e) {
            // Fail closed: whatever else the JDK's zip or PKCS#7 code throws on hostile bytes is a refusal,
            // never an exception escaping into the resolver hook.
            return VerificationResult.refused("", "could not verify the jar: " + e);
        }
    }

    private static VerificationResult check(JarFile jarFile, ZipFile plain, X509Certificate anchor)
            throws IOException {
        List<JarEntry> entries = Collections.list(jarFile.entries());
        Set<String> names = new HashSet<>();
        List<JarEntry> content = new ArrayList<>();
        boolean hasSignatureFile = false;
        byte[] buffer = new byte[16 * 1024];
        for (JarEntry entry : entries) {
            if (!names.add(entry.getName())) {
                // Zip readers disagree on which copy of a duplicated name they return: refuse the ambiguity.
                return VerificationResult.refused("", "entry " + entry.getName() + " appears more than once in the jar");
            }
        }

        // Read every entry to its end: the JDK checks an entry's digest only when its stream reaches EOF,
        // and fills in the entry's code signers only then.
        for (JarEntry entry : entries) {
            String name = entry.getName();
            long size = 0;
            try (InputStream in = jarFile.getInputStream(entry)) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    size += n;
                }
            } catch (SecurityException e) {
                return VerificationResult.refused("", reasonFor(name, e) + updateLocationHint(jarFile));
            }
            // JarFile's verifying stream stops at the entry's declared size, so the digest covers that many bytes.
            // A plain ZipFile (how the framework reads a resource) inflates the entry's data to its end: any byte
            // beyond the declared size would be read by the framework but covered by no signature.
            long plainSize = plainSize(plain, name, buffer);
            if (plainSize != entry.getSize()) {
                return VerificationResult.refused("", "entry " + name + " holds " + plainSize
                        + " bytes but declares " + entry.getSize() + " (content outside the signature)");
            }
            if (isSignatureRelated(name)) {
                hasSignatureFile |= name.toUpperCase(Locale.ROOT).endsWith(".SF");
                continue;
            }
            if (entry.isDirectory() && size == 0) {
                continue; // a directory entry carries no content; one that does is checked like any file
            }
            content.add(entry);
        }

        Manifest manifest = jarFile.getManifest();
        if (manifest != null) {
            for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
                if (hasDigest(section.getValue()) && !names.contains(section.getKey())) {
                    return VerificationResult.refused("", "entry " + section.getKey()
                            + " is listed in the signed manifest but missing (removed after signing)");
                }
            }
        }

        Map<CodeSigner, Boolean> chainsToAnchor = new HashMap<>();
        List<String> unsigned = new ArrayList<>();
        String firstSigner = null;
        String vendorSigner = null;
        String foreignSigner = null;
        int covered = 0;
        for (JarEntry entry : content) {
            CodeSigner[] signers = entry.getCodeSigners();
            if (signers == null || signers.length == 0) {
                unsigned.add(entry.getName());
                continue;
            }
            covered++;
            boolean vendor = false;
            for (CodeSigner signer : signers) {
                if (firstSigner == null) {
                    firstSigner = subjectOf(signer);
                }
                if (chainsToAnchor.computeIfAbsent(signer, s -> chains(s, anchor))) {
                    vendor = true;
                    if (vendorSigner == null) {
                        vendorSigner = subjectOf(signer);
                    }
                    break;
                }
            }
            if (!vendor && foreignSigner == null) {
                foreignSigner = subjectOf(signers[0]);
            }
        }

        if (content.isEmpty()) {
            return VerificationResult.refused("", hasSignatureFile
                    ? "jar has no content besides its manifest and signature files"
                    : "unsigned");
        }
        if (covered == 0) {
            return VerificationResult.refused("", hasSignatureFile
                    ? "signature files are present but no entry is validly signed (invalid or disabled algorithm?)"
                    : "unsigned");
        }
        if (foreignSigner != null) {
            String anchorSubject = subjectOf(anchor);
            return VerificationResult.refused(foreignSigner, "signer " + foreignSigner
                    + " does not chain to the vendor anchor " + anchorSubject
                    + (foreignSigner.equals(anchorSubject) ? " (same name, another key)" : ""));
        }
        if (unsigned.size() == 1) {
            return VerificationResult.refused(firstSigner,
                    "entry " + unsigned.get(0) + " is not signed (added after signing?)");
        }
        if (!unsigned.isEmpty()) {
            return VerificationResult.refused(firstSigner, "signature covers only " + covered + " of "
                    + content.size() + " entries (not signed: " + listSome(unsigned) + ")");
        }
        return VerificationResult.trusted(vendorSigner);
    }

    /** How many bytes a plain {@link ZipFile} reads from the entry, to the end of its data; -1 if it has none. */
    private static long plainSize(ZipFile plain, String name, byte[] buffer) throws IOException {
        ZipEntry entry = plain.getEntry(name);
        if (entry == null || !entry.getName().equals(name)) {
            return -1;
        }
        long size = 0;
        try (InputStream in = plain.getInputStream(entry)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                size += n;
            }
        }
        return size;
    }

    /**
     * Karaf's bundle:update without --raw writes a Bundle-UpdateLocation header into the new jar's
     * manifest, which breaks any signature: say so, since the operator's fix is one flag.
     */
    private static String updateLocationHint(JarFile jarFile) {
        try {
            java.util.jar.Manifest manifest = jarFile.getManifest();
            if (manifest != null && manifest.getMainAttributes().getValue("Bundle-UpdateLocation") != null) {
                return "; the manifest carries Bundle-UpdateLocation, which bundle:update adds unless given --raw";
            }
        } catch (IOException | SecurityException e) {
            // no hint then
        }
        return "";
    }

    private static String reasonFor(String name, SecurityException e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("digest error for")) {
            return "entry " + name + " was modified after signing (digest mismatch)";
        }
        if (lower.contains("manifest main attributes")) {
            return "the manifest's main attributes (bundle headers) were modified after signing";
        }
        return "signature is invalid (reading " + name + "): " + message;
    }

    /** The signer's path leads to the anchor: its certificate is the anchor, or PKIX validates it. */
    private static boolean chains(CodeSigner signer, X509Certificate anchor) {
        List<? extends Certificate> certificates = signer.getSignerCertPath().getCertificates();
        if (certificates.isEmpty() || !(certificates.get(0) instanceof X509Certificate leaf)) {
            return false;
        }
        if (leaf.equals(anchor)) {
            return true;
        }
        List<X509Certificate> path = new ArrayList<>();
        for (Certificate certificate : certificates) {
            if (!(certificate instanceof X509Certificate x509)) {
                return false;
            }
            if (!x509.equals(anchor)) { // the anchor is the trust anchor, not part of the path PKIX validates
                path.add(x509);
            }
        }
        try {
            List<String> extendedKeyUsage = leaf.getExtendedKeyUsage();
            if (extendedKeyUsage != null && !extendedKeyUsage.contains(CODE_SIGNING_EKU)
                    && !extendedKeyUsage.contains(ANY_EKU)) {
                return false;
            }
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** True for META-INF/MANIFEST.MF and the signature files directly under META-INF (as the JDK defines them). */
    static boolean isSignatureRelated(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String file = upper.substring("META-INF/".length());
        return file.equals("MANIFEST.MF") || file.startsWith("SIG-") || file.endsWith(".SF")
                || file.endsWith(".DSA") || file.endsWith(".RSA") || file.endsWith(".EC");
    }

    private static boolean hasDigest(Attributes attributes) {
        for (Object key : attributes.keySet()) {
            if (key.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST")) {
                return true;
            }
        }
        return false;
    }

    private static String subjectOf(CodeSigner signer) {
        List<? extends Certificate> certificates = signer.getSignerCertPath().getCertificates();
        return !certificates.isEmpty() && certificates.get(0) instanceof X509Certificate x509
                ? subjectOf(x509) : "(not an X.509 signer)";
    }

    /**
     * The subject as text. {@code getSubjectDN()} rather than {@code getSubjectX500Principal()}: the latter would
     * make bnd import javax.security.auth.x500, and this bundle must import nothing but org.osgi.framework*.
     */
    @SuppressWarnings("deprecation")
    static String subjectOf(X509Certificate certificate) {
        return certificate.getSubjectDN().getName();
    }

    private static String listSome(List<String> names) {
        if (names.size() <= LIST_AT_MOST) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, LIST_AT_MOST)) + ", … " + (names.size() - LIST_AT_MOST) + " more";
    }
}
