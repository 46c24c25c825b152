package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Set;

/** manifest-verify: checks a signed release manifest and prints what it holds. */
final class ManifestVerifyCommand implements Command {

    @Override
    public String name() {
        return "manifest-verify";
    }

    @Override
    public String synopsis() {
        return "--anchor CRT --in F.p7s [--running V]";
    }

    @Override
    public String summary() {
        return "check a signed release manifest (signature, anchor, expiry, no downgrade) and print it";
    }

    @Override
    public String details() {
        return """
                  --anchor CRT   the vendor certificate (a vendor.crt holding one certificate)
                  --in F.p7s     signed release manifest
                  --running V    version running now: an older release is refused
                Prints "OK release V ..." and the bundle list, or "REFUSED: reason" with exit status 1.""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--anchor", "--in", "--running");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        Path anchorFile = args.requiredPath("--anchor");
        Path input = args.requiredPath("--in");
        String running = args.optional("--running", null);
        if (running != null) {
            try {
                Versions.check(running);
            } catch (IllegalArgumentException e) {
                throw new UsageException("manifest-verify: --running: " + e.getMessage());
            }
        }
        X509Certificate anchor = Io.anchor(anchorFile);
        byte[] signed = Io.read(input);
        ReleaseVerifier.VerifiedRelease release;
        try {
            release = new ReleaseVerifier(anchor).verify(signed, Instant.now(), running);
        } catch (SigningException e) {
            out.println("REFUSED: " + e.getMessage());
            return 1;
        }
        ReleaseManifest manifest = release.manifest();
        out.println("OK release " + manifest.product() + " " + manifest.version() + " signed by " + release.signer());
        out.println("created " + manifest.createdAt() + ", expires " + manifest.expiresAt() + ", "
                + manifest.bundles().size() + " bundles:");
        for (BundleEntry bundle : manifest.bundles()) {
            out.println("  " + bundle.symbolicName() + " " + bundle.version() + "  " + bundle.size() + " B  sha256 "
                    + bundle.sha256() + "  " + bundle.path());
        }
        return 0;
    }
}
