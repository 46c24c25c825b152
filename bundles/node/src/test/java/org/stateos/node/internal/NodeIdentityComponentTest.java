package org.stateos.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.node.NodeId;

class NodeIdentityComponentTest {
    @TempDir
    Path data;

    private Path keyFile() {
        return NodeIdentityComponent.keyFile(data.toString(), null);
    }

    @Test
    void makesKeyOnFirstBootAndKeepsTheSameIdOnTheNextBoot() throws Exception {
        NodeIdentityComponent first = new NodeIdentityComponent(keyFile());
        assertTrue(Files.exists(data.resolve("stateos/node-key.pem")));

        NodeIdentityComponent second = new NodeIdentityComponent(keyFile());
        assertEquals(first.nodeId(), second.nodeId());
        assertEquals(first.publicKey(), second.publicKey());
        assertEquals(NodeId.of(second.publicKey()), second.nodeId());
    }

    @Test
    void signaturesOfAReloadedKeyVerifyWithTheFirstBootsPublicKey() throws Exception {
        NodeIdentityComponent first = new NodeIdentityComponent(keyFile());
        byte[] data = "unit head 42".getBytes(StandardCharsets.UTF_8);
        byte[] sig = new NodeIdentityComponent(keyFile()).sign(data);

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(first.publicKey());
        verifier.update(data);
        assertTrue(verifier.verify(sig));
    }

    @Test
    void keyFileHasMode600InADirectoryWithMode700AndNoTempFileIsLeft() throws Exception {
        new NodeIdentityComponent(keyFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent())));
        try (Stream<Path> files = Files.list(keyFile().getParent())) {
            assertEquals(1, files.count(), "only node-key.pem, no temporary file");
        }
    }

    @Test
    void keyFileIsStandardPkcs8WithThePublicKeyInside() throws Exception {
        NodeIdentityComponent identity = new NodeIdentityComponent(keyFile());
        String pem = Files.readString(keyFile());
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        ECPrivateKey parsed = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        assertEquals(256, parsed.getParams().getOrder().bitLength());
        byte[] w = identity.publicKey().getEncoded(); // SPKI: the last 65 bytes are 04 || X || Y
        byte[] tail = java.util.Arrays.copyOfRange(der, der.length - 65, der.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(w, w.length - 65, w.length), tail);
    }

    @Test
    void encodingSurvivesScalarsWithLeadingZeroBytes() throws Exception {
        for (int i = 0; i < 300; i++) { // ~1 in 256 scalars starts with a zero byte; 300 draws hit both cases often
            KeyPair pair = NodeKeyFile.generate();
            KeyPair back = NodeKeyFile.decode(NodeKeyFile.encode(pair));
            assertEquals(pair.getPublic(), back.getPublic());
            assertEquals(((ECPrivateKey) pair.getPrivate()).getS(), ((ECPrivateKey) back.getPrivate()).getS());
        }
    }

    @Test
    void garbageKeyFileIsAClearErrorAndIsNotReplaced() throws Exception {
        Files.createDirectories(keyFile().getParent());
        Files.writeString(keyFile(), "this is not a key\n");

        NodeKeyException e = assertThrows(NodeKeyException.class, () -> new NodeIdentityComponent(keyFile()));
        assertTrue(e.getMessage().contains(keyFile().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no PEM block"), e.getMessage());
        assertTrue(e.getMessage().contains("no new key is made"), e.getMessage());
        assertEquals("this is not a key\n", Files.readString(keyFile()), "the damaged file is left for the operator");
    }

    @Test
    void truncatedKeyFileIsAClearError() throws Exception {
        new NodeIdentityComponent(keyFile());
        String pem = Files.readString(keyFile());
        String[] lines = pem.split("\n");
        Files.writeString(keyFile(), lines[0] + "\n" + lines[1].substring(0, 40) + "\n" + lines[lines.length - 1] + "\n");

        NodeKeyException e = assertThrows(NodeKeyException.class, () -> new NodeIdentityComponent(keyFile()));
        assertTrue(e.getMessage().contains("unusable"), e.getMessage());
    }

    @Test
    void keyFileWhosePublicKeyBelongsToAnotherKeyIsRefused() throws Exception {
        byte[] mine = NodeKeyFile.encode(NodeKeyFile.generate());
        byte[] other = NodeKeyFile.encode(NodeKeyFile.generate());
        System.arraycopy(other, other.length - 64, mine, mine.length - 64, 64); // graft another public point
        Files.createDirectories(keyFile().getParent());
        Files.writeString(keyFile(), NodeKeyFile.encodePem(mine));

        NodeKeyException e = assertThrows(NodeKeyException.class, () -> NodeKeyFile.load(keyFile()));
        assertTrue(e.getMessage().contains("does not belong to its private key"), e.getMessage());
    }

    @Test
    void keyWithoutAPublicKeyOrOnAnotherCurveIsRefused() throws Exception {
        Files.createDirectories(keyFile().getParent());
        // The JDK's own PKCS#8 form has no public key.
        Files.writeString(keyFile(), NodeKeyFile.encodePem(NodeKeyFile.generate().getPrivate().getEncoded()));
        NodeKeyException noPub = assertThrows(NodeKeyException.class, () -> NodeKeyFile.load(keyFile()));
        assertTrue(noPub.getMessage().contains("holds no public key"), noPub.getMessage());

        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        Files.writeString(keyFile(), NodeKeyFile.encodePem(p384.generateKeyPair().getPrivate().getEncoded()));
        NodeKeyException wrongCurve = assertThrows(NodeKeyException.class, () -> NodeKeyFile.load(keyFile()));
        assertTrue(wrongCurve.getMessage().contains("not on curve P-256"), wrongCurve.getMessage());
    }

    @Test
    void keyLivesUnderKarafDataElseInTheBundleDataArea() {
        File bundleArea = data.resolve("bundle42/data").toFile();
        assertEquals(Path.of("/var/esr/data/stateos/node-key.pem"),
                NodeIdentityComponent.keyFile("/var/esr/data", bundleArea));
        assertEquals(bundleArea.toPath().resolve("stateos/node-key.pem").toAbsolutePath(),
                NodeIdentityComponent.keyFile(null, bundleArea));
        assertNotEquals(NodeIdentityComponent.keyFile("", bundleArea).getParent().getParent(), Path.of(""));
    }
}
