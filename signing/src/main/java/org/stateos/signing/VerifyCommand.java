package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.stateos.trust.JarSignatureVerifier;
import org.stateos.trust.VerificationResult;

/** verify: judges jars exactly as the appliance's signature gate does (the trust bundle's verifier). */
final class VerifyCommand implements Command {

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String synopsis() {
        return "--anchor CRT JAR...";
    }

    @Override
    public String summary() {
        return "check jars as the appliance's gate does: one line OK/REFUSED each";
    }

    @Override
    public String details() {
        return """
                  --anchor CRT   the vendor certificate (a vendor.crt holding one certificate)
                  JAR...         jars to check
                Prints "OK JAR (signer)" or "REFUSED JAR: reason" per jar; exit status 1 if any is refused.""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--anchor");
    }

    @Override
    public boolean takesPositionals() {
        return true;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        X509Certificate anchor = Io.anchor(args.requiredPath("--anchor"));
        int refused = 0;
        for (String jar : args.positionals("JAR")) {
            VerificationResult result = JarSignatureVerifier.verify(Path.of(jar), anchor);
            if (result.trusted()) {
                out.println("OK " + jar + " (" + result.signer() + ")");
            } else {
                refused++;
                out.println("REFUSED " + jar + ": " + result.reason());
            }
        }
        return refused == 0 ? 0 : 1;
    }
}
