package org.stateos.signing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** manifest-create: writes the release manifest (JSON) of a directory of bundle jars. */
final class ManifestCreateCommand implements Command {

    @Override
    public String name() {
        return "manifest-create";
    }

    @Override
    public String synopsis() {
        return "--dir JARS --version V --expires-days N --out F";
    }

    @Override
    public String summary() {
        return "write the release manifest (JSON) of the bundle jars under JARS";
    }

    @Override
    public String details() {
        return """
                  --dir JARS         directory searched recursively for *.jar (each must be an OSGi bundle)
                  --version V        release version, e.g. 1.4.2 or 1.5.0-rc.1
                  --expires-days N   days until the manifest expires and is refused
                  --out F            JSON file to write (e.g. release.json)""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--dir", "--version", "--expires-days", "--out");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws UsageException, SigningException {
        Path directory = args.requiredPath("--dir");
        String version = args.required("--version");
        Path output = args.requiredPath("--out");
        int days = args.positiveInt("--expires-days", -1);
        if (days < 0) {
            throw new UsageException("manifest-create: --expires-days is required");
        }
        try {
            Versions.check(version);
        } catch (IllegalArgumentException e) {
            throw new UsageException("manifest-create: --version: " + e.getMessage());
        }
        ReleaseManifest manifest = ReleaseManifestBuilder.fromDirectory(directory, version, Duration.ofDays(days),
                Instant.now());
        Io.write(output, ReleaseManifestJson.toJson(manifest));
        out.println("wrote " + output + ": release " + manifest.version() + ", " + manifest.bundles().size()
                + " bundles, expires " + manifest.expiresAt());
        return 0;
    }
}
