package org.stateos.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Golden vectors of the canonical encoding v1, computed independently (Python hashlib/base64) and listed in
 * the README; a change here is a format change.
 */
class UnitEncodingTest {
    static final String HELLO_HEX = "010a746578742f706c61696e000568656c6c6f";
    static final String HELLO_ID = "bciqbx367e7jucpv5orh4qdhwwo6etxebwjwasjeiscyz5nacryab42y";
    static final String TOMBSTONE_HEX = "011173746174656f732e746f6d6273746f6e65"
            + "01" + "12201befdf27d3413ebd744fc80cf6b3bc49dc81b26c09248890b19eb4028e001e6b" + "00";
    static final String TOMBSTONE_ID = "bciqagsnb725nqkbptfdnu2lctp2l7h5oufyyyqunv3e4qrg5ou3lmka";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void textUnitGoldenVector() throws Exception {
        Unit u = Unit.of("text/plain", "hello".getBytes(StandardCharsets.US_ASCII));
        assertEquals(HELLO_HEX, HexFormat.of().formatHex(u.encode()));
        assertEquals(HELLO_ID, u.id().format());
        Unit back = Unit.decode(hex(HELLO_HEX), Unit.DEFAULT_MAX_BYTES);
        assertEquals(u, back);
        assertEquals("text/plain", back.type());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), back.payloadBytes());
    }

    @Test
    void tombstoneWithOneLinkGoldenVector() throws Exception {
        Unit hello = Unit.of("text/plain", "hello".getBytes(StandardCharsets.US_ASCII));
        Unit t = Unit.tombstone(List.of(hello.id()));
        assertEquals(TOMBSTONE_HEX, HexFormat.of().formatHex(t.encode()));
        assertEquals(TOMBSTONE_ID, t.id().format());
        assertTrue(t.isTombstone());
        assertEquals(List.of(hello.id()), Unit.decode(hex(TOMBSTONE_HEX), 1024).links());
    }

    @Test
    void smallestUnitAndTwoByteVarintGoldenVectors() throws Exception {
        assertEquals("0101610000", HexFormat.of().formatHex(Unit.of("a", new byte[0]).encode()));
        assertEquals("bciqhig6oavoqvicfcoixzezp4ym7fddaanrzh2qbnokyhwcvtdtdafq", Unit.of("a", new byte[0]).id().format());
        byte[] p = new byte[200];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) i;
        }
        Unit u = Unit.of("b", p);
        assertEquals("01016200c8010001", HexFormat.of().formatHex(u.encode(), 0, 8));
        assertEquals(206, u.encodedSize());
        assertEquals("bciqgn5tythi6uznazghhkyugrbyp5xp67ql3xslvwr6uii5knrhiriy", u.id().format());
    }

    @Test
    void refusesBadUnitsAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> Unit.of("", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Unit.of("x".repeat(129), new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Unit.of("a\u001b[2J", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Unit.of("bad\ud800", new byte[0]));
        List<UnitId> many = new ArrayList<>();
        for (int i = 0; i <= Unit.MAX_LINKS; i++) {
            many.add(UnitId.of(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        assertThrows(IllegalArgumentException.class, () -> Unit.of("a", many, new byte[0]));
    }

    private static void refused(String hexBytes, String expect) {
        MalformedUnitException e = assertThrows(MalformedUnitException.class,
                () -> Unit.decode(hex(hexBytes), Unit.DEFAULT_MAX_BYTES));
        assertTrue(e.getMessage().contains(expect), e.getMessage());
        // viewed where it was read (a direct buffer, as the engine's), the same bytes are refused for the same reason
        MalformedUnitException v = assertThrows(MalformedUnitException.class,
                () -> UnitView.decode(UnitId.of(new byte[0]), direct(hex(hexBytes)), Unit.DEFAULT_MAX_BYTES, null));
        assertEquals(e.getMessage(), v.getMessage());
    }

    private static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    @Test
    void aViewOfAnEncodingIsTheUnitDecodedFromIt() throws Exception {
        Unit hello = Unit.decode(hex(HELLO_HEX), Unit.DEFAULT_MAX_BYTES);
        ByteBuffer read = ByteBuffer.allocateDirect(64);
        read.position(7).put(hex(TOMBSTONE_HEX)).flip().position(7); // a record's value inside a larger read buffer
        boolean[] released = new boolean[1];
        UnitView t = UnitView.decode(UnitId.parse(TOMBSTONE_ID), read, 1024, () -> released[0] = true);
        assertEquals(7, read.position(), "the buffer's position is not moved");
        assertTrue(t.isTombstone());
        assertEquals(List.of(hello.id()), t.links());
        assertEquals(0, t.payloadSize());
        assertEquals(ByteBuffer.wrap(hex(TOMBSTONE_HEX)), t.encoding());
        assertTrue(t.encoding().isReadOnly() && t.payload().isReadOnly());
        assertEquals(Unit.tombstone(List.of(hello.id())), t.toUnit());
        t.close();
        assertTrue(released[0]);
        released[0] = false;
        t.close();
        assertFalse(released[0], "released once");

        UnitView h = UnitView.of(hello);
        assertEquals(hello.id(), h.id());
        assertEquals(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), h.payload());
        assertEquals(hello.encodedSize(), h.encodedSize());
        h.close();
        assertThrows(IllegalStateException.class, h::payload);

        byte[] big = Unit.of("a", new byte[2000]).encode();
        assertTrue(assertThrows(MalformedUnitException.class, () -> UnitView.decode(UnitId.of(big), direct(big), 1024, null))
                .getMessage().contains("more than the maximum"));
    }

    @Test
    void decodingChecksEveryLengthAndForm() {
        refused("", "truncated");
        refused("0201610000", "version 2");                                           // unknown version
        refused("0100", "empty type");
        refused("018101610000", "exceeds the maximum");                      // type length 129 > 128
        refused("010561", "needs 5 bytes");                                          // type longer than what is left
        refused("0101ff0000", "UTF-8");                                              // bad UTF-8
        refused("0101070000", "control character");                                 // BEL as type
        refused("01016181200000", "exceeds the maximum");                            // 4097 links
        refused("0101610100", "needs 34 bytes");                                     // 1 link, no bytes
        refused("01016100ffffffff0f", "exceeds the maximum");                         // payload length > 2^31-1
        refused("0101610005616263", "needs 5 bytes");                                // payload shorter than said
        refused("010161000161ff", "trailing");                                       // bytes after the payload
        refused("01016100800000", "non-minimal");                                    // overlong varint for 0
        String link = "1e20" + "00".repeat(32);                                      // blake3 code
        refused("0101610" + "1" + link + "00", "unsupported multihash code");
    }

    @Test
    void refusesEncodingOverTheCapBeforeDecoding() {
        byte[] big = Unit.of("a", new byte[2000]).encode();
        MalformedUnitException e = assertThrows(MalformedUnitException.class, () -> Unit.decode(big, 1024));
        assertTrue(e.getMessage().contains("more than the maximum"), e.getMessage());
    }

    @Test
    void payloadViewIsReadOnlyAndUnitIsImmutable() {
        byte[] p = {1, 2, 3};
        Unit u = Unit.of("a", p);
        p[0] = 9;
        assertEquals(1, u.payloadBytes()[0]);
        assertTrue(u.payload().isReadOnly());
        u.payloadBytes()[0] = 7;
        assertEquals(1, u.payload().get(0));
    }
}
