package org.stateos.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM text for keys (PKCS#8 "PRIVATE KEY") and certificates ("CERTIFICATE"), both ways. */
public final class Pem {

    private Pem() {}

    /** The key as unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
    public static String privateKey(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        return text.toString();
    }

    /** The certificates as consecutive PEM blocks, in the order given. */
    public static String certificates(List<X509Certificate> certificates) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        }
        return text.toString();
    }

    /** Reads one private key: PKCS#8 PEM, or the older "EC PRIVATE KEY" form. Encrypted keys are refused. */
    public static PrivateKey readPrivateKey(String pem, String source) throws SigningException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new SigningException(source + ": no PEM private key found");
            }
            if (parser.readObject() != null) {
                throw new SigningException(source + ": more than one PEM object; expected exactly one private key");
            }
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new SigningException(source + ": the private key is encrypted; this tool reads unencrypted"
                        + " PKCS#8 keys only (protect the key directory instead)");
            }
            throw new SigningException(source + ": expected a PEM private key, found " + object.getClass().getSimpleName());
        } catch (PEMException e) {
            throw new SigningException(source + ": unreadable private key: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SigningException(source + ": unreadable PEM: " + e.getMessage(), e);
        }
    }

    /** Reads every certificate in PEM (or DER) text, in file order. */
    public static List<X509Certificate> readCertificates(byte[] data, String source) throws SigningException {
        try {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(data));
            List<X509Certificate> certificates = new ArrayList<>(read.size());
            for (Certificate certificate : read) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        } catch (CertificateException e) {
            throw new SigningException(source + ": unreadable certificate: " + e.getMessage(), e);
        }
    }

    /** Reads exactly one certificate, as a trust anchor file must hold. */
    public static X509Certificate readSingleCertificate(byte[] data, String source) throws SigningException {
        List<X509Certificate> certificates = readCertificates(data, source);
        if (certificates.size() != 1) {
            throw new SigningException(source + ": expected exactly one certificate, found " + certificates.size());
        }
        return certificates.get(0);
    }
}
