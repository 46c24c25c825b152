package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** sign-tree: signs every jar under a directory; fails if any jar could not be signed. */
final class SignTreeCommand implements Command {

    @Override
    public String name() {
        return "sign-tree";
    }

    @Override
    public String synopsis() {
        return "--key-dir D DIR";
    }

    @Override
    public String summary() {
        return "sign every *.jar under DIR (the assembly's system/ folder)";
    }

    @Override
    public String details() {
        return """
                  --key-dir D    key directory holding vendor.key and vendor.crt
                  DIR            directory searched recursively for *.jar; none found is an error
                Every jar is tried; the exit status is 1 if any failed (each failure is printed).""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--key-dir");
    }

    @Override
    public boolean takesPositionals() {
        return true;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        Path keyDir = args.requiredPath("--key-dir");
        Path root = Path.of(args.single("DIR"));
        VendorKey key = new KeyDirectory(keyDir).load();
        TreeSigner.Report report = new TreeSigner(key).signTree(root);
        for (String failure : report.failures()) {
            out.println("FAILED " + failure);
        }
        String seconds = String.format(Locale.ROOT, "%.1f", report.millis() / 1000.0);
        if (!report.ok()) {
            throw new SigningException(report.failures().size() + " of " + (report.signed() + report.failures().size())
                    + " jars under " + root + " could not be signed");
        }
        out.println("signed " + report.signed() + " jars under " + root + " in " + seconds + " s as " + key.subject());
        return 0;
    }
}
