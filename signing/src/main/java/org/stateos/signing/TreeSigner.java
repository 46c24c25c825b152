package org.stateos.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Signs every {@code *.jar} under a directory tree (the assembly's system/ folder). Tries every jar and reports
 * each failure, so one run shows all problems; the caller fails the build if any jar failed.
 *
 * <p>Jars are signed on one thread per processor: signing is CPU-bound (JarSigner inflates, digests and deflates
 * every entry), and the build machine has idle cores while it runs. The threads live only for one
 * {@link #signTree} call.
 */
public final class TreeSigner {

    /** Outcome of a run: how many jars were signed, which failed and why (in path order), and how long it took. */
    public record Report(int signed, List<String> failures, long millis) {
        public Report {
            failures = List.copyOf(failures);
        }

        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private final VendorKey key;
    private final int threads;

    public TreeSigner(VendorKey key) {
        this(key, Runtime.getRuntime().availableProcessors());
    }

    public TreeSigner(VendorKey key, int threads) {
        this.key = key;
        this.threads = Math.max(1, threads);
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
        // One JarSigner per thread: its documentation does not promise that an instance may be shared.
        ThreadLocal<VendorJarSigner> signers = new ThreadLocal<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, jars.size()));
        try {
            List<Future<String>> outcomes = new ArrayList<>(jars.size());
            for (Path jar : jars) {
                outcomes.add(pool.submit(() -> {
                    try {
                        if (signers.get() == null) {
                            signers.set(new VendorJarSigner(key));
                        }
                        signers.get().sign(jar);
                        return null;
                    } catch (SigningException e) {
                        return e.getMessage();
                    }
                }));
            }
            int signed = 0;
            List<String> failures = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                String failure = outcome.get();
                if (failure == null) {
                    signed++;
                } else {
                    failures.add(failure);
                }
            }
            return new Report(signed, failures, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SigningException("interrupted while signing " + root, e);
        } catch (ExecutionException e) {
            throw new SigningException("signing under " + root + " failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
