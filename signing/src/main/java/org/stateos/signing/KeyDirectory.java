package org.stateos.signing;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * A directory holding one signing key:
 * <ul>
 *   <li>{@code vendor.key}: the private key, unencrypted PKCS#8 PEM, file mode 600;</li>
 *   <li>{@code vendor.crt}: its certificate, one PEM block (for the vendor root this file is the trust anchor);</li>
 *   <li>{@code ca-chain.crt}: only for an issued key, the issuing certificates, nearest first, up to the root.</li>
 * </ul>
 * Keys are never overwritten: saving into a directory that already holds a key fails.
 */
public final class KeyDirectory {

    public static final String KEY_FILE = "vendor.key";
    public static final String CERTIFICATE_FILE = "vendor.crt";
    public static final String CHAIN_FILE = "ca-chain.crt";

    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    public KeyDirectory(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path keyFile() {
        return directory.resolve(KEY_FILE);
    }

    public Path certificateFile() {
        return directory.resolve(CERTIFICATE_FILE);
    }

    public Path chainFile() {
        return directory.resolve(CHAIN_FILE);
    }

    /** True when the key or the certificate file is there (a half-filled directory counts as present). */
    public boolean holdsKey() {
        return Files.exists(keyFile()) || Files.exists(certificateFile());
    }

    /** Loads the key, its certificate and chain, and checks that the key belongs to the certificate. */
    public VendorKey load() throws SigningException {
        if (!Files.isDirectory(directory)) {
            throw new SigningException("no key directory at " + directory);
        }
        if (!Files.isRegularFile(keyFile())) {
            throw new SigningException("no private key at " + keyFile());
        }
        if (!Files.isRegularFile(certificateFile())) {
            throw new SigningException("no certificate at " + certificateFile());
        }
        try {
            PrivateKey privateKey = Pem.readPrivateKey(Files.readString(keyFile()), keyFile().toString());
            X509Certificate certificate = Pem.readSingleCertificate(Files.readAllBytes(certificateFile()),
                    certificateFile().toString());
            List<X509Certificate> issuers = Files.isRegularFile(chainFile())
                    ? Pem.readCertificates(Files.readAllBytes(chainFile()), chainFile().toString())
                    : List.of();
            VendorKey key = new VendorKey(privateKey, certificate, issuers);
            checkPair(key);
            return key;
        } catch (IOException e) {
            throw new SigningException("could not read the key directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key into the directory (created with mode 700 if new). Refuses to replace an existing key. */
    public void save(VendorKey key) throws SigningException {
        if (holdsKey()) {
            throw new SigningException(directory + " already holds a key; refusing to overwrite it");
        }
        try {
            createDirectory();
            writeNew(certificateFile(), Pem.certificates(List.of(key.certificate())), false);
            if (!key.issuers().isEmpty()) {
                writeNew(chainFile(), Pem.certificates(key.issuers()), false);
            }
            writeNew(keyFile(), Pem.privateKey(key.privateKey()), true);
        } catch (IOException e) {
            throw new SigningException("could not write the key to " + directory + ": " + e.getMessage(), e);
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (isPosix(directory.toAbsolutePath().getParent())) {
            Path parent = directory.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // made concurrently by another build: fine as long as it is a directory
                if (!Files.isDirectory(directory)) {
                    throw e;
                }
            }
        } else {
            Files.createDirectories(directory);
        }
    }

    /**
     * Writes a new file through a temporary file in the same directory and an atomic move, so a crash never
     * leaves a half-written key; a private file is created with mode 600 from its first byte.
     */
    private static void writeNew(Path target, String text, boolean secret) throws IOException {
        Path directory = target.getParent();
        FileAttribute<?>[] attributes = secret && isPosix(directory)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp", attributes);
        try {
            Files.writeString(temporary, text);
            if (!secret && isPosix(directory)) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static boolean isPosix(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Signs a random challenge and checks it against the certificate: the key and certificate belong together. */
    private void checkPair(VendorKey key) throws SigningException {
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(VendorCertificates.SIGNATURE_ALGORITHM);
            signer.initSign(key.privateKey());
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(VendorCertificates.SIGNATURE_ALGORITHM);
            verifier.initVerify(key.certificate().getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new SigningException(keyFile() + " does not belong to the certificate " + certificateFile());
            }
        } catch (GeneralSecurityException e) {
            throw new SigningException("the key in " + directory + " is not a usable ECDSA key: " + e.getMessage(), e);
        }
    }
}
