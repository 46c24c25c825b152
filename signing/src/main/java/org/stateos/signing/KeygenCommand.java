package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** keygen: makes the vendor key and its self-signed CA certificate. */
final class KeygenCommand implements Command {

    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String synopsis() {
        return "--dir D [--subject S] [--days N] [--if-absent] [--create-only-under R]";
    }

    @Override
    public String summary() {
        return "make a P-256 vendor key and self-signed vendor CA certificate in D";
    }

    @Override
    public String details() {
        return """
                  --dir D        key directory to create: D/vendor.key (PKCS#8 PEM, mode 600), D/vendor.crt (PEM)
                  --subject S    certificate subject (default "%s")
                  --days N       validity in days (default %d, twenty years)
                  --if-absent    leave an existing key in D as it is (checked and described) instead of failing
                  --create-only-under R
                                 make a new key only if D lies under R; otherwise a missing key is an error
                                 (the build passes its target/ folder, so a mistyped production key path fails
                                 instead of silently signing with a fresh key)
                An existing key is never overwritten.""".formatted(VendorCertificates.DEVELOPMENT_SUBJECT,
                VendorCertificates.DEFAULT_DAYS);
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--dir", "--subject", "--days", "--create-only-under");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--if-absent");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        KeyDirectory directory = new KeyDirectory(args.requiredPath("--dir"));
        String subject = args.optional("--subject", VendorCertificates.DEVELOPMENT_SUBJECT);
        int days = args.positiveInt("--days", VendorCertificates.DEFAULT_DAYS);
        if (directory.holdsKey()) {
            if (!args.flag("--if-absent")) {
                throw new SigningException(directory.directory() + " already holds a key; refusing to overwrite it"
                        + " (use --if-absent to keep it, or choose another --dir)");
            }
            if (!Files.exists(directory.keyFile()) || !Files.exists(directory.certificateFile())) {
                throw new SigningException(directory.directory() + " holds only one of " + KeyDirectory.KEY_FILE
                        + " and " + KeyDirectory.CERTIFICATE_FILE + "; fix or remove the directory");
            }
            VendorKey existing = directory.load();
            out.println("vendor key already in " + directory.directory() + ", left unchanged: "
                    + CertificateText.describe(existing.certificate()));
            return 0;
        }
        String createOnlyUnder = args.optional("--create-only-under", null);
        if (createOnlyUnder != null && !isUnder(directory.directory(), Path.of(createOnlyUnder))) {
            throw new SigningException("no vendor key in " + directory.directory() + " (expected "
                    + KeyDirectory.KEY_FILE + " and " + KeyDirectory.CERTIFICATE_FILE + "); a new key is made only under "
                    + createOnlyUnder + ": check the key directory path (-Dstateos.vendor.dir)");
        }
        VendorKey key = new VendorCertificates().newVendorCa(subject, days);
        directory.save(key);
        out.println("created vendor key " + directory.keyFile() + " (mode 600) and certificate "
                + directory.certificateFile());
        out.println("  " + CertificateText.describe(key.certificate()));
        return 0;
    }

    private static boolean isUnder(Path directory, Path root) {
        return directory.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize());
    }
}
