package org.stateos.trust;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import javax.security.auth.x500.X500Principal;

import jdk.security.jarsigner.JarSigner;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys, certificates and signed jars made at test time (no key material is ever stored in the tree). */
public final class TestPki {

    public static final X500Principal VENDOR = new X500Principal("CN=StateOS Vendor Test,O=StateOS");
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair and the certificate path that goes with it (signer first). */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {
        public X509Certificate certificate() {
            return chain.get(0);
        }

        public KeyPair keyPair() {
            return new KeyPair(chain.get(0).getPublicKey(), key);
        }
    }

    private TestPki() {}

    public static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA certificate, like the vendor's. */
    public static Identity selfSigned(X500Principal subject) {
        KeyPair pair = p256();
        return new Identity(pair.getPrivate(), List.of(certificate(subject, pair, subject, pair.getPrivate(), true)));
    }

    /** A certificate for a fresh key issued by {@code issuer}; chain = [new, issuer chain...]. */
    public static Identity issue(Identity issuer, X500Principal subject, boolean ca) {
        KeyPair pair = p256();
        X509Certificate cert = certificate(subject, pair, issuer.certificate().getSubjectX500Principal(), issuer.key(), ca);
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Identity(pair.getPrivate(), List.copyOf(chain));
    }

    private static X509Certificate certificate(X500Principal subject, KeyPair subjectKeys, X500Principal issuer,
                                               PrivateKey issuerKey, boolean ca) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, ca
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                    : new KeyUsage(KeyUsage.digitalSignature));
            if (!ca) {
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes an unsigned jar with a bundle manifest and the given entries (name → content), in order. */
    public static Path jar(Path file, String symbolicName, Map<String, byte[]> entries) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return file;
    }

    public static Map<String, byte[]> someEntries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("org/example/", new byte[0]);
        entries.put("org/example/A.class", "class A bytes".getBytes());
        entries.put("org/example/B.class", "class B bytes, a little longer".getBytes());
        entries.put("OSGI-INF/config.xml", "<config/>".getBytes());
        return entries;
    }

    /** Signs {@code in} into {@code out} with SHA-256 / SHA256withECDSA as the build does. */
    public static Path sign(Path in, Path out, Identity signer) throws IOException {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(signer.chain());
            JarSigner jarSigner = new JarSigner.Builder(signer.key(), path)
                    .digestAlgorithm("SHA-256")
                    .signatureAlgorithm("SHA256withECDSA")
                    .signerName("VENDOR")
                    .build();
            try (ZipFile zip = new ZipFile(in.toFile()); OutputStream os = Files.newOutputStream(out)) {
                jarSigner.sign(zip, os);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copies a jar entry by entry. {@code edit} gets (name, bytes) and returns the bytes to write, or null to drop
     * the entry; {@code extra} entries are appended at the end.
     */
    public static Path rewrite(Path in, Path out, BiFunction<String, byte[], byte[]> edit, Map<String, byte[]> extra)
            throws IOException {
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(in));
             ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                byte[] content = edit.apply(e.getName(), readAll(zin));
                if (content == null) {
                    continue;
                }
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(content);
                zout.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                zout.putNextEntry(new ZipEntry(e.getKey()));
                zout.write(e.getValue());
                zout.closeEntry();
            }
        }
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toByteArray();
    }
}
