package org.stateos.testsupport;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

import org.stateos.api.node.NodeId;
import org.stateos.api.node.NodeIdentity;

/**
 * A node identity with a fresh P-256 key held in memory, as the node bundle makes on first boot (and keeps in a
 * file). For tests and benchmarks that need a {@code NodeIdentity} outside Karaf; never shipped.
 */
public final class EphemeralIdentity implements NodeIdentity {
    private final KeyPair keys;
    private final NodeId id;

    public EphemeralIdentity() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        id = NodeId.of(keys.getPublic());
    }

    @Override
    public NodeId nodeId() {
        return id;
    }

    @Override
    public PublicKey publicKey() {
        return keys.getPublic();
    }

    @Override
    public byte[] sign(byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(keys.getPrivate());
        s.update(data);
        return s.sign();
    }
}
