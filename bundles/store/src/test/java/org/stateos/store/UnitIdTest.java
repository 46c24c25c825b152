package org.stateos.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class UnitIdTest {
    /** SHA-256("") as multihash, base32: the same text IPFS tools print for a raw sha2-256 multihash of "". */
    private static final String EMPTY = "bciqohmgeikmpyhautl57jsezn64sij5oihsgjg4tjssjlgi3pbjlqvi";

    @Test
    void hashesToSelfDescribingMultihash() {
        UnitId id = UnitId.of(new byte[0]);
        byte[] b = id.bytes();
        assertEquals(34, b.length);
        assertEquals(0x12, b[0]);
        assertEquals(0x20, b[1]);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HexFormat.of().formatHex(id.digest()));
        assertEquals(EMPTY, id.format());
        assertEquals(UnitId.TEXT_LENGTH, id.format().length());
    }

    @Test
    void textRoundTrips() {
        for (int i = 0; i < 200; i++) {
            UnitId id = UnitId.of(("unit " + i).getBytes(StandardCharsets.UTF_8));
            UnitId back = UnitId.parse(id.format());
            assertEquals(id, back);
            assertEquals(id.hashCode(), back.hashCode());
            assertArrayEquals(id.bytes(), UnitId.fromBytes(id.bytes()).bytes());
        }
    }

    @Test
    void refusesBadText() {
        String ok = EMPTY;
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(null));
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(""));
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(ok.substring(1)));            // short
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(ok + "a"));                   // long
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse("B" + ok.substring(1).toUpperCase())); // upper case
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse("z" + ok.substring(1)));      // other multibase
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(ok.substring(0, 10) + "1" + ok.substring(11))); // '1' not base32
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(ok.substring(0, 10) + "=" + ok.substring(11)));
        assertThrows(IllegalArgumentException.class, () -> UnitId.parse(ok.substring(0, 10) + " " + ok.substring(11)));
        // last character carries 2 unused bits: a non-zero tail is another spelling of the same bytes, refused
        char last = ok.charAt(ok.length() - 1);
        String noncanonical = ok.substring(0, ok.length() - 1) + (char) (last + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitId.parse(noncanonical));
        assertTrue(e.getMessage().contains("trailing bits"), e.getMessage());
    }

    @Test
    void refusesOtherHashCodesAndLengths() {
        byte[] b = UnitId.of(new byte[0]).bytes();
        b[0] = 0x1e;   // blake3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitId.fromBytes(b));
        assertTrue(e.getMessage().contains("0x1e"), e.getMessage());
        byte[] c = UnitId.of(new byte[0]).bytes();
        c[1] = 0x1f;
        assertThrows(IllegalArgumentException.class, () -> UnitId.fromBytes(c));
        assertThrows(IllegalArgumentException.class, () -> UnitId.fromBytes(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> UnitId.fromDigest(new byte[31]));
    }

    @Test
    void verifiesContentAgainstId() {
        byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
        UnitId id = UnitId.of(data);
        assertTrue(id.matches(data));
        data[0] ^= 1;
        assertTrue(!id.matches(data));
        assertNotEquals(id, UnitId.of(data));
    }
}
