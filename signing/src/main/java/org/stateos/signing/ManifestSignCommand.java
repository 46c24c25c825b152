package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** manifest-sign: wraps a release manifest in CMS SignedData signed by the vendor key. */
final class ManifestSignCommand implements Command {

    @Override
    public String name() {
        return "manifest-sign";
    }

    @Override
    public String synopsis() {
        return "--key-dir D --in F --out F.p7s";
    }

    @Override
    public String summary() {
        return "sign a release manifest as CMS SignedData (manifest inside, DER)";
    }

    @Override
    public String details() {
        return """
                  --key-dir D    key directory holding vendor.key and vendor.crt
                  --in F         release manifest JSON (from manifest-create); checked before it is signed
                  --out F.p7s    CMS SignedData to write (DER; the manifest's exact bytes are inside)""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--key-dir", "--in", "--out");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        Path keyDir = args.requiredPath("--key-dir");
        Path input = args.requiredPath("--in");
        Path output = args.requiredPath("--out");
        VendorKey key = new KeyDirectory(keyDir).load();
        byte[] signed = new ReleaseSigner(key).sign(Io.read(input));
        Io.write(output, signed);
        out.println("signed " + input + " into " + output + " as " + key.subject());
        return 0;
    }
}
