package org.stateos.store;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import org.stateos.api.node.NodeId;
import org.stateos.api.node.NodeIdentity;

/**
 * A head signed by its writer's node key, carrying the writer's public key so that any node can check both
 * the signature and that the writer's node id is the SHA-256 of that key.
 *
 * <p>Signed bytes: the ASCII tag {@code stateos.head} (12 bytes, so that a head signature can never be taken
 * for a signature over some other message of the node key) followed by {@link Head#encode()}. Signature:
 * SHA256withECDSA (DER) with the P-256 node key.
 *
 * <p>Wire form v1 ({@link #encode()}): {@code Head.encode(), varint keyLength (1..512), X.509
 * SubjectPublicKeyInfo (DER), varint signatureLength (1..160), signature (DER)}.
 */
public final class SignedHead {
    public static final int MAX_KEY_BYTES = 512;
    public static final int MAX_SIGNATURE_BYTES = 160;
    public static final int MAX_ENCODED_BYTES = 1 + 2 + ObjectId.MAX_BYTES + UnitId.LENGTH + NodeId.LENGTH + 8
            + 2 + MAX_KEY_BYTES + 2 + MAX_SIGNATURE_BYTES;
    private static final byte[] TAG = "stateos.head".getBytes(StandardCharsets.US_ASCII);

    private final Head head;
    private final byte[] publicKey;
    private final byte[] signature;

    private SignedHead(Head head, byte[] publicKey, byte[] signature) {
        this.head = head;
        this.publicKey = publicKey;
        this.signature = signature;
    }

    /** Signs {@code head} with the node key; the head's writer must be this node. */
    public static SignedHead sign(Head head, NodeIdentity identity) throws GeneralSecurityException {
        if (!head.writer().equals(identity.nodeId())) {
            throw new IllegalArgumentException("head written by " + head.writer().shortForm()
                    + " cannot be signed by node " + identity.nodeId().shortForm());
        }
        return new SignedHead(head, identity.publicKey().getEncoded(), identity.sign(signingInput(head)));
    }

    /** Assembles a signed head from its parts as received; call {@link #verify()} before trusting it. */
    public static SignedHead of(Head head, byte[] publicKey, byte[] signature) {
        if (publicKey.length == 0 || publicKey.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("public key of " + publicKey.length + " bytes");
        }
        if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
            throw new IllegalArgumentException("signature of " + signature.length + " bytes");
        }
        return new SignedHead(head, publicKey.clone(), signature.clone());
    }

    /** The bytes the writer signs: the tag {@code stateos.head} and the head's canonical encoding. */
    public static byte[] signingInput(Head head) {
        byte[] h = head.encode();
        byte[] out = Arrays.copyOf(TAG, TAG.length + h.length);
        System.arraycopy(h, 0, out, TAG.length, h.length);
        return out;
    }

    /**
     * Checks, in this order: the key is a P-256 X.509 SubjectPublicKeyInfo in its canonical DER form; the
     * SHA-256 of those bytes is the head's writer id; the signature verifies over {@link #signingInput}.
     */
    public void verify() throws HeadVerificationException {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKey));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new HeadVerificationException("head of " + head.object() + ": public key is not an EC SubjectPublicKeyInfo", e);
        }
        if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw new HeadVerificationException("head of " + head.object() + ": public key is not on P-256");
        }
        if (!Arrays.equals(key.getEncoded(), publicKey)) {
            throw new HeadVerificationException("head of " + head.object() + ": public key is not in canonical DER form");
        }
        byte[] id;
        try {
            id = MessageDigest.getInstance("SHA-256").digest(publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
        if (!MessageDigest.isEqual(id, head.writer().toBytes())) {
            throw new HeadVerificationException("head of " + head.object() + ": public key belongs to node "
                    + NodeId.fromBytes(id).shortForm() + ", not to the writer " + head.writer().shortForm());
        }
        boolean ok;
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(signingInput(head));
            ok = s.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new HeadVerificationException("head of " + head.object() + ": signature cannot be checked: " + e.getMessage(), e);
        }
        if (!ok) {
            throw new HeadVerificationException("head of " + head.object() + " by " + head.writer().shortForm()
                    + ": signature does not verify");
        }
    }

    public Head head() {
        return head;
    }

    public ObjectId object() {
        return head.object();
    }

    public UnitId unit() {
        return head.unit();
    }

    public NodeId writer() {
        return head.writer();
    }

    public Hlc clock() {
        return head.clock();
    }

    /** The writer's public key, X.509 SubjectPublicKeyInfo DER (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** SHA256withECDSA DER signature (a copy). */
    public byte[] signature() {
        return signature.clone();
    }

    /** The wire form v1. */
    public byte[] encode() {
        byte[] h = head.encode();
        byte[] out = new byte[h.length + Wire.varintSize(publicKey.length) + publicKey.length
                + Wire.varintSize(signature.length) + signature.length];
        System.arraycopy(h, 0, out, 0, h.length);
        int p = Wire.putVarint(out, h.length, publicKey.length);
        System.arraycopy(publicKey, 0, out, p, publicKey.length);
        p = Wire.putVarint(out, p + publicKey.length, signature.length);
        System.arraycopy(signature, 0, out, p, signature.length);
        return out;
    }

    /** Decodes the wire form (does not verify). */
    public static SignedHead decode(byte[] bytes) throws MalformedUnitException {
        return decode(bytes, 0, bytes.length);
    }

    public static SignedHead decode(byte[] bytes, int offset, int length) throws MalformedUnitException {
        if (length > MAX_ENCODED_BYTES) {
            throw new MalformedUnitException("signed head: " + length + " bytes, at most " + MAX_ENCODED_BYTES);
        }
        Wire.Reader r = new Wire.Reader(bytes, offset, offset + length, "signed head");
        SignedHead h = read(r);
        r.end();
        return h;
    }

    static SignedHead read(Wire.Reader r) throws MalformedUnitException {
        Head head = Head.read(r);
        int kl = (int) r.varint(MAX_KEY_BYTES, "public key length");
        if (kl == 0) {
            throw r.error("empty public key");
        }
        byte[] key = r.bytes(kl, "public key");
        int sl = (int) r.varint(MAX_SIGNATURE_BYTES, "signature length");
        if (sl == 0) {
            throw r.error("empty signature");
        }
        byte[] sig = r.bytes(sl, "signature");
        return new SignedHead(head, key, sig);
    }

    private static volatile ECParameterSpec p256;

    private static boolean isP256(ECParameterSpec spec) {
        try {
            ECParameterSpec ref = p256;
            if (ref == null) {
                AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
                ap.init(new ECGenParameterSpec("secp256r1"));
                ref = ap.getParameterSpec(ECParameterSpec.class);
                p256 = ref;
            }
            BigInteger order = ref.getOrder();
            return order.equals(spec.getOrder()) && ref.getCurve().equals(spec.getCurve())
                    && ref.getGenerator().equals(spec.getGenerator()) && ref.getCofactor() == spec.getCofactor();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks secp256r1", e);
        }
    }

    /** Same head, key and signature. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SignedHead s && head.equals(s.head) && Arrays.equals(publicKey, s.publicKey)
                && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
        return head.hashCode();
    }

    @Override
    public String toString() {
        return "SignedHead[" + head.object() + " -> " + head.unit().shortForm() + " by " + head.writer().shortForm()
                + " at " + head.clock() + "]";
    }
}
