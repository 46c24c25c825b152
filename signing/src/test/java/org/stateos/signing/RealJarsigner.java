package org.stateos.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JDK's jarsigner tool as a process. {@link #verify} is plain {@code jarsigner -verify}; {@link
 * #verifyAgainst} adds {@code -strict} with a truststore holding only the vendor anchor, which is how the real tool
 * is asked "signed by the vendor, over every entry?".
 */
final class RealJarsigner {

    private static final String STORE_PASSWORD = "changeit";

    record Result(int exitCode, String output) {
        /** The tool's own verdict: "jar verified." with exit status 0 and no signer errors. */
        boolean accepted() {
            return exitCode == 0 && output.contains("jar verified.") && !output.contains("with signer errors");
        }
    }

    private final Path executable;

    RealJarsigner() {
        this.executable = locate();
    }

    private static Path locate() {
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && Files.isExecutable(Path.of(javaHome, "bin", "jarsigner"))) {
            return Path.of(javaHome, "bin", "jarsigner");
        }
        Path fromRunningJdk = Path.of(System.getProperty("java.home"), "bin", "jarsigner");
        if (Files.isExecutable(fromRunningJdk)) {
            return fromRunningJdk;
        }
        throw new IllegalStateException("no jarsigner in $JAVA_HOME/bin or java.home/bin: the tests need a full JDK");
    }

    Result verify(Path jar) throws IOException, InterruptedException {
        return run(List.of("-verify", "-verbose", "-certs", jar.toString()));
    }

    /** {@code jarsigner -verify -strict} trusting only {@code anchor} (a PKCS#12 truststore made in {@code dir}). */
    Result verifyAgainst(Path jar, X509Certificate anchor, Path dir) throws IOException, InterruptedException,
            GeneralSecurityException {
        Path truststore = Files.createTempFile(dir, "truststore", ".p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("vendor", anchor);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return run(List.of("-verify", "-strict", "-verbose", "-certs", "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, jar.toString()));
    }

    private Result run(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the process closes its output
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("jarsigner did not finish within 60 s: " + command);
        }
        return new Result(process.exitValue(), output);
    }
}
