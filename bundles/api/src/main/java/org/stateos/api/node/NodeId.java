package org.stateos.api.node;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node's identity: the SHA-256 hash of its public key's X.509 SubjectPublicKeyInfo encoding.
 * Anyone holding the public key can check a claimed id, so ids need no registry.
 */
public final class NodeId {
    public static final int LENGTH = 32;
    private final byte[] hash;

    private NodeId(byte[] hash) {
        this.hash = hash;
    }

    public static NodeId of(PublicKey key) {
        try {
            return new NodeId(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    public static NodeId fromBytes(byte[] hash) {
        if (hash.length != LENGTH) {
            throw new IllegalArgumentException("a node id is " + LENGTH + " bytes, got " + hash.length);
        }
        return new NodeId(hash.clone());
    }

    public static NodeId parse(String hex) {
        return fromBytes(HexFormat.of().parseHex(hex));
    }

    public byte[] toBytes() {
        return hash.clone();
    }

    /** The full id as 64 lower-case hex digits. */
    public String toHex() {
        return HexFormat.of().formatHex(hash);
    }

    /** The first 12 hex digits: enough to tell nodes apart on a console. */
    public String shortForm() {
        return toHex().substring(0, 12);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId other && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
