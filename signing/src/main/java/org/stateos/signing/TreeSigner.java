package org.stateos.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Signs every {@code *.jar} under a directory tree (the assembly's system/ folder). Tries every jar and reports
 * each failure, so one run shows all problems; the caller fails the build if any jar failed.
 */
public final class TreeSigner {

    /** Outcome of a run: how many jars were signed, which failed and why, and how long it took. */
    public record Report(int signed, List<String> failures, long millis) {
        public Report {
            failures = List.copyOf(failures);
        }

        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private final VendorJarSigner signer;

    public TreeSigner(VendorJarSigner signer) {
        this.signer = signer;
    }

    /** Every regular file named *.jar under {@code root}, sorted by path. */
    public static List<Path> jarsUnder(Path root) throws SigningException {
        if (!Files.isDirectory(root)) {
            throw new SigningException("no directory at " + root);
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(path -> path.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SigningException("could not list " + root + ": " + e.getMessage(), e);
        }
    }

    public Report signTree(Path root) throws SigningException {
        long start = System.nanoTime();
        List<Path> jars = jarsUnder(root);
        if (jars.isEmpty()) {
            throw new SigningException("no *.jar under " + root + ": nothing to sign (wrong directory?)");
        }
        int signed = 0;
        List<String> failures = new ArrayList<>();
        for (Path jar : jars) {
            try {
                signer.sign(jar);
                signed++;
            } catch (SigningException e) {
                failures.add(e.getMessage());
            }
        }
        return new Report(signed, failures, (System.nanoTime() - start) / 1_000_000);
    }
}
