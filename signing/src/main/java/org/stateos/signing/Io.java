package org.stateos.signing;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;

/** File reads and writes for the commands, failing with a message that names the file. */
final class Io {

    private Io() {}

    static byte[] read(Path file) throws SigningException {
        if (!Files.isRegularFile(file)) {
            throw new SigningException("no such file: " + file);
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SigningException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes through a temporary file next to {@code file} and an atomic move: readers see old or new, never half. */
    static void write(Path file, byte[] data) throws SigningException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            Files.write(temporary, data);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SigningException("could not write " + file + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // nothing left to do: the write itself already succeeded or failed and said so
                }
            }
        }
    }

    /** The trust anchor: a file holding exactly one certificate (a vendor.crt). */
    static X509Certificate anchor(Path file) throws SigningException {
        return Pem.readSingleCertificate(read(file), file.toString());
    }
}
