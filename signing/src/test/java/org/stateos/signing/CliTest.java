package org.stateos.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = new Cli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(args);
        out = stdout.toString(StandardCharsets.UTF_8);
        err = stderr.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, run("--help"));
        for (String command : new String[] {"keygen", "issue", "sign", "sign-tree", "verify", "manifest-create",
                "manifest-sign", "manifest-verify"}) {
            assertTrue(out.contains("\n  " + command + " --"), command + " missing from:\n" + out);
        }
        assertEquals(2, run());
        assertTrue(err.contains("Usage:"), err);
        assertEquals(0, run("sign-tree", "--help"));
        assertTrue(out.startsWith("usage: sign-tree --key-dir D DIR"), out);
    }

    @Test
    void usageErrorsSayWhatIsWrongAndExitWith2() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.contains("unknown command \"frobnicate\""), err);
        assertEquals(2, run("keygen"));
        assertTrue(err.contains("keygen: --dir is required"), err);
        assertTrue(err.contains("usage: keygen --dir D"), err);
        assertEquals(2, run("keygen", "--dir", dir.toString(), "--days", "soon"));
        assertTrue(err.contains("--days must be a whole number"), err);
        assertEquals(2, run("keygen", "--dir"));
        assertTrue(err.contains("--dir needs a value"), err);
        assertEquals(2, run("sign", "--key-dir", dir.toString(), "--force", "a.jar"));
        assertTrue(err.contains("unknown option --force"), err);
        assertEquals(2, run("sign", "--key-dir", dir.toString()));
        assertTrue(err.contains("give at least one JAR"), err);
        assertEquals(2, run("keygen", "--dir", "a", "--dir", "b"));
        assertTrue(err.contains("--dir given twice"), err);
        assertEquals(2, run("manifest-verify", "--anchor", "a", "--in", "b", "--running", "latest"));
        assertTrue(err.contains("--running: not a version"), err);
    }

    @Test
    void keygenMakesAKeyOnceAndIfAbsentKeepsIt() throws Exception {
        Path keys = dir.resolve("vendor-dev");
        assertEquals(0, run("keygen", "--if-absent", "--dir", keys.toString()));
        assertTrue(out.startsWith("created vendor key " + keys.resolve("vendor.key")), out);
        byte[] key = Files.readAllBytes(keys.resolve("vendor.key"));

        assertEquals(0, run("keygen", "--if-absent", "--dir", keys.toString()));
        assertTrue(out.startsWith("vendor key already in " + keys + ", left unchanged: CN=StateOS Development Vendor"), out);
        assertEquals(1, run("keygen", "--dir", keys.toString()));
        assertTrue(err.contains("refusing to overwrite"), err);
        assertTrue(Arrays.equals(key, Files.readAllBytes(keys.resolve("vendor.key"))));

        Path production = dir.resolve("secure/vendor");
        assertEquals(1, run("keygen", "--if-absent", "--dir", production.toString(), "--create-only-under",
                dir.resolve("build/target").toString()));
        assertTrue(err.contains("a new key is made only under"), err);
        assertTrue(Files.notExists(production));
        assertEquals(0, run("keygen", "--if-absent", "--dir", dir.resolve("build/target/vendor-dev").toString(),
                "--create-only-under", dir.resolve("build/target").toString()));

        Files.delete(keys.resolve("vendor.crt"));
        assertEquals(1, run("keygen", "--if-absent", "--dir", keys.toString()));
        assertTrue(err.contains("holds only one of vendor.key and vendor.crt"), err);
    }

    @Test
    void signsAndVerifiesJarsAndTreesEndToEnd() throws Exception {
        Path keys = dir.resolve("keys");
        Path anchor = keys.resolve("vendor.crt");
        assertEquals(0, run("keygen", "--dir", keys.toString(), "--subject", "CN=Test Vendor,O=StateOS", "--days", "30"));
        Path one = TestJars.bundle(dir.resolve("one.jar"));
        Path system = Files.createDirectories(dir.resolve("system/org/x/1"));
        TestJars.bundle(system.resolve("x-1.jar"));
        TestJars.bundle(system.resolve("y-1.jar"));
        Path unsigned = TestJars.bundle(dir.resolve("unsigned.jar"));

        assertEquals(0, run("sign", "--key-dir", keys.toString(), one.toString()));
        assertEquals("signed " + one + "\n", out);
        assertEquals(0, run("sign-tree", "--key-dir", keys.toString(), dir.resolve("system").toString()));
        assertTrue(out.matches("signed 2 jars under .*system in \\d+\\.\\d s as CN=Test Vendor,O=StateOS\\n"), out);

        assertEquals(0, run("verify", "--anchor", anchor.toString(), one.toString(), system.resolve("x-1.jar").toString()));
        assertTrue(out.startsWith("OK " + one + " ("), out);
        assertEquals(1, run("verify", "--anchor", anchor.toString(), one.toString(), unsigned.toString()));
        assertTrue(out.contains("REFUSED " + unsigned + ": unsigned"), out);

        Files.writeString(system.resolve("broken.jar"), "not a jar");
        assertEquals(1, run("sign-tree", "--key-dir", keys.toString(), dir.resolve("system").toString()));
        assertTrue(out.contains("FAILED " + system.resolve("broken.jar")), out);
        assertTrue(err.contains("1 of 3 jars under"), err);

        assertEquals(1, run("sign", "--key-dir", dir.resolve("nowhere").toString(), one.toString()));
        assertTrue(err.contains("no key directory at"), err);
    }

    @Test
    void issuedKeySignsJarsTheVendorAnchorAccepts() throws Exception {
        Path root = dir.resolve("root");
        Path intermediate = dir.resolve("intermediate");
        Path leaf = dir.resolve("leaf");
        assertEquals(0, run("keygen", "--dir", root.toString()));
        assertEquals(0, run("issue", "--ca-dir", root.toString(), "--dir", intermediate.toString(),
                "--subject", "CN=Release CA,O=StateOS"));
        assertTrue(out.startsWith("issued intermediate certificate"), out);
        assertEquals(0, run("issue", "--ca-dir", intermediate.toString(), "--dir", leaf.toString(),
                "--subject", "CN=Build Signer,O=StateOS", "--leaf"));
        assertEquals(1, run("issue", "--ca-dir", leaf.toString(), "--dir", dir.resolve("x").toString(),
                "--subject", "CN=Nope"));
        assertTrue(err.contains("not a CA certificate"), err);

        Path jar = TestJars.bundle(dir.resolve("a.jar"));
        assertEquals(0, run("sign", "--key-dir", leaf.toString(), jar.toString()));
        assertEquals(0, run("verify", "--anchor", root.resolve("vendor.crt").toString(), jar.toString()), out);
        assertEquals(1, run("verify", "--anchor", leaf.resolve("ca-chain.crt").toString(), jar.toString()));
        assertTrue(err.contains("expected exactly one certificate, found 2"), err);
    }

    @Test
    void releaseManifestCreateSignVerify() throws Exception {
        Path keys = dir.resolve("keys");
        Path anchor = keys.resolve("vendor.crt");
        assertEquals(0, run("keygen", "--dir", keys.toString()));
        Path system = Files.createDirectories(dir.resolve("system"));
        TestJars.bundle(system.resolve("demo.jar"));
        Path json = dir.resolve("release.json");
        Path p7s = dir.resolve("release.p7s");

        assertEquals(0, run("manifest-create", "--dir", system.toString(), "--version", "1.2.0",
                "--expires-days", "30", "--out", json.toString()));
        assertTrue(out.startsWith("wrote " + json + ": release 1.2.0, 1 bundles, expires "), out);
        assertEquals(0, run("manifest-sign", "--key-dir", keys.toString(), "--in", json.toString(),
                "--out", p7s.toString()));
        assertEquals(0, run("manifest-verify", "--anchor", anchor.toString(), "--in", p7s.toString(),
                "--running", "1.1.5"));
        assertTrue(out.startsWith("OK release stateos 1.2.0 signed by CN=StateOS Development Vendor,O=StateOS\n"), out);
        assertTrue(out.contains("  org.example.demo 1.2.3.v20260101  "), out);
        assertTrue(out.contains("  demo.jar\n"), out);

        assertEquals(1, run("manifest-verify", "--anchor", anchor.toString(), "--in", p7s.toString(),
                "--running", "1.3.0"));
        assertEquals("REFUSED: release 1.2.0 is older than the running version 1.3.0 (downgrades are refused)\n", out);

        Path other = dir.resolve("other");
        assertEquals(0, run("keygen", "--dir", other.toString()));
        assertEquals(1, run("manifest-verify", "--anchor", other.resolve("vendor.crt").toString(), "--in", p7s.toString()));
        assertTrue(out.startsWith("REFUSED: signer CN=StateOS Development Vendor,O=StateOS does not chain"), out);

        assertEquals(2, run("manifest-create", "--dir", system.toString(), "--version", "1.2.0", "--out", json.toString()));
        assertTrue(err.contains("--expires-days is required"), err);
    }
}
