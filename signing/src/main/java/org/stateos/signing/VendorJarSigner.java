package org.stateos.signing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Set;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;
import jdk.security.jarsigner.JarSignerException;

/**
 * Signs jars with the vendor key in the standard JAR signature format, through the JDK's own
 * {@link JarSigner} (the code behind the jarsigner tool): SHA-256 entry digests, SHA256withECDSA, signer name
 * {@value #SIGNER_NAME} (META-INF/STATEOS.SF and META-INF/STATEOS.EC). Earlier signatures are removed first
 * ({@link SignatureStripper}) so the result has exactly one signer: the vendor. Every manifest header keeps its
 * value and place; JarSigner writes the manifest folded at 72 bytes, which leaves a manifest made by bnd, the
 * maven-archiver or java.util.jar byte for byte as it was.
 *
 * <p>Signing is in place and safe: the signed jar is written to a temporary file next to the original and moved
 * over it atomically, keeping the original's file permissions. A failure leaves the original untouched.
 */
public final class VendorJarSigner {

    public static final String SIGNER_NAME = "STATEOS";
    public static final String DIGEST_ALGORITHM = "SHA-256";
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private final JarSigner signer;

    public VendorJarSigner(VendorKey key) throws SigningException {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(key.chain());
            this.signer = new JarSigner.Builder(key.privateKey(), path)
                    .digestAlgorithm(DIGEST_ALGORITHM)
                    .signatureAlgorithm(SIGNATURE_ALGORITHM)
                    .signerName(SIGNER_NAME)
                    .build();
        } catch (CertificateException | IllegalArgumentException | NoSuchAlgorithmException e) {
            throw new SigningException("cannot sign with the key of " + key.subject() + ": " + e.getMessage(), e);
        }
    }

    /** Signs {@code jar} in place; returns how many earlier signature files were removed. */
    public int sign(Path jar) throws SigningException {
        if (!Files.isRegularFile(jar)) {
            throw new SigningException(jar + ": no such jar");
        }
        Path directory = jar.toAbsolutePath().getParent();
        Path stripped = null;
        Path signed = null;
        try {
            int removed = 0;
            Path source = jar;
            if (SignatureStripper.isSigned(jar)) {
                stripped = Files.createTempFile(directory, "." + jar.getFileName(), ".unsigned");
                removed = SignatureStripper.strip(jar, stripped);
                source = stripped;
            }
            signed = Files.createTempFile(directory, "." + jar.getFileName(), ".signed");
            try (ZipFile zip = new ZipFile(source.toFile()); OutputStream out = Files.newOutputStream(signed)) {
                signer.sign(zip, out);
            }
            keepPermissions(jar, signed);
            replace(signed, jar);
            return removed;
        } catch (IOException | JarSignerException | IllegalArgumentException e) {
            String message = e instanceof JarSignerException && e.getCause() != null ? e.getCause().toString() : e.toString();
            throw new SigningException(jar + ": could not sign: " + message, e);
        } finally {
            deleteQuietly(stripped);
            deleteQuietly(signed);
        }
    }

    private static void replace(Path signed, Path jar) throws IOException {
        try {
            Files.move(signed, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(signed, jar, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void keepPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view != null) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            Files.setPosixFilePermissions(to, permissions);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover hidden temporary file is harmless; the signing result was already reported
        }
    }
}
