package org.stateos.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.stateos.api.node.NodeId;
import org.stateos.testsupport.EphemeralIdentity;

class SignedHeadTest {
    private final EphemeralIdentity node = new EphemeralIdentity();
    private final UnitId unit = UnitId.of(new byte[] {1});
    private final Head head = new Head(ObjectId.of("doc/1"), unit, node.nodeId(), new Hlc(1_700_000_000_000L, 3));

    @Test
    void headEncodingIsByteExact() {
        byte[] e = head.encode();
        String hex = HexFormat.of().formatHex(e);
        assertTrue(hex.startsWith("01" + "05" + "646f632f31" + HexFormat.of().formatHex(unit.bytes())), hex);
        assertTrue(hex.endsWith(node.nodeId().toHex() + String.format("%016x", (1_700_000_000_000L << 16) | 3)), hex);
        assertEquals(1 + 1 + 5 + 34 + 32 + 8, e.length);
    }

    @Test
    void signedHeadVerifiesAndRoundTrips() throws Exception {
        SignedHead s = SignedHead.sign(head, node);
        s.verify();
        SignedHead back = SignedHead.decode(s.encode());
        assertEquals(s, back);
        back.verify();
        assertArrayEquals(node.publicKey().getEncoded(), back.publicKey());
    }

    @Test
    void refusesForgedSignature() throws Exception {
        SignedHead s = SignedHead.sign(head, node);
        // Same signature over another head: the unit changed
        Head other = new Head(head.object(), UnitId.of(new byte[] {2}), head.writer(), head.clock());
        SignedHead forged = SignedHead.of(other, s.publicKey(), s.signature());
        HeadVerificationException e = assertThrows(HeadVerificationException.class, forged::verify);
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
        // A flipped bit in the signature
        byte[] sig = s.signature();
        sig[sig.length - 1] ^= 1;
        assertThrows(HeadVerificationException.class, () -> SignedHead.of(head, s.publicKey(), sig).verify());
    }

    @Test
    void refusesKeyThatIsNotTheWriters() throws Exception {
        EphemeralIdentity mallory = new EphemeralIdentity();
        // Mallory signs a head claiming to be written by our node, and attaches her own key
        byte[] sig = mallory.sign(SignedHead.signingInput(head));
        SignedHead s = SignedHead.of(head, mallory.publicKey().getEncoded(), sig);
        HeadVerificationException e = assertThrows(HeadVerificationException.class, s::verify);
        assertTrue(e.getMessage().contains("not to the writer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SignedHead.sign(head, mallory));
    }

    @Test
    void refusesKeyNotOnP256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] key = g.generateKeyPair().getPublic().getEncoded();
        Head h = new Head(head.object(), unit, NodeId.fromBytes(java.security.MessageDigest.getInstance("SHA-256").digest(key)), head.clock());
        HeadVerificationException e = assertThrows(HeadVerificationException.class,
                () -> SignedHead.of(h, key, new byte[] {0x30, 0}).verify());
        assertTrue(e.getMessage().contains("P-256"), e.getMessage());
        assertThrows(HeadVerificationException.class, () -> SignedHead.of(h, new byte[] {1, 2, 3}, new byte[] {1}).verify());
    }

    @Test
    void decodingRefusesTruncatedAndTrailingBytes() throws Exception {
        byte[] e = SignedHead.sign(head, node).encode();
        assertThrows(MalformedUnitException.class, () -> SignedHead.decode(java.util.Arrays.copyOf(e, e.length - 1)));
        assertThrows(MalformedUnitException.class, () -> SignedHead.decode(java.util.Arrays.copyOf(e, e.length + 1)));
    }

    @Test
    void hlcPacksAndOrders() {
        Hlc a = new Hlc(5, 65535);
        Hlc b = new Hlc(6, 0);
        assertTrue(a.compareTo(b) < 0);
        assertEquals(a, Hlc.unpack(a.pack()));
        assertThrows(IllegalArgumentException.class, () -> new Hlc(1L << 48, 0));
        assertThrows(IllegalArgumentException.class, () -> new Hlc(0, 65536));
    }
}
