package org.stateos.signing;

import java.io.PrintStream;
import java.util.Set;

/** issue: makes a key with a certificate issued by the key in a CA directory (an intermediate or a leaf). */
final class IssueCommand implements Command {

    @Override
    public String name() {
        return "issue";
    }

    @Override
    public String synopsis() {
        return "--ca-dir D --dir OUT --subject S [--days N] [--leaf]";
    }

    @Override
    public String summary() {
        return "make a key in OUT with a certificate issued by the key in D";
    }

    @Override
    public String details() {
        return """
                  --ca-dir D     key directory of the issuer (the vendor root or an intermediate)
                  --dir OUT      new key directory: vendor.key, vendor.crt and ca-chain.crt (the issuers)
                  --subject S    subject of the new certificate
                  --days N       validity in days (default %d; never beyond the issuer's)
                  --leaf         a signing-only certificate (CA:false); by default it may also issue (intermediate)
                The key in OUT signs jars and manifests like the root's; signatures carry the whole chain.""".formatted(
                VendorCertificates.DEFAULT_DAYS);
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--ca-dir", "--dir", "--subject", "--days");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--leaf");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        VendorKey issuer = new KeyDirectory(args.requiredPath("--ca-dir")).load();
        KeyDirectory target = new KeyDirectory(args.requiredPath("--dir"));
        String subject = args.required("--subject");
        int days = args.positiveInt("--days", VendorCertificates.DEFAULT_DAYS);
        if (target.holdsKey()) {
            throw new SigningException(target.directory() + " already holds a key; refusing to overwrite it");
        }
        boolean ca = !args.flag("--leaf");
        VendorKey key = new VendorCertificates().issue(issuer, subject, days, ca);
        target.save(key);
        out.println("issued " + (ca ? "intermediate" : "leaf") + " certificate into " + target.directory()
                + " by " + issuer.subject());
        out.println("  " + CertificateText.describe(key.certificate()));
        return 0;
    }
}
