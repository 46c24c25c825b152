package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** sign: signs the given jars in place with the vendor key. */
final class SignCommand implements Command {

    @Override
    public String name() {
        return "sign";
    }

    @Override
    public String synopsis() {
        return "--key-dir D JAR...";
    }

    @Override
    public String summary() {
        return "sign jars in place (earlier signatures removed; the vendor is the only signer)";
    }

    @Override
    public String details() {
        return """
                  --key-dir D    key directory holding vendor.key and vendor.crt
                  JAR...         jars to sign in place (written to a temporary file, then moved over the jar)""";
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
        var jars = args.positionals("JAR");
        VendorJarSigner signer = new VendorJarSigner(new KeyDirectory(keyDir).load());
        for (String jar : jars) {
            int removed = signer.sign(Path.of(jar));
            out.println("signed " + jar + (removed > 0 ? " (replaced " + removed + " earlier signature files)" : ""));
        }
        return 0;
    }
}
