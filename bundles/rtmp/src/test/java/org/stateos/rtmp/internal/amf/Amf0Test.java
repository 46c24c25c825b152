package org.stateos.rtmp.internal.amf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {
    static List<Object> decode(String hex) throws AmfException {
        return Amf0.decodeAll(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)), Amf0.Limits.DEFAULT);
    }

    @Test
    void decodesFfmpegsConnectCommand() throws Exception {
        // connect(1, {app: "live", type: "nonprivate", flashVer: "FMLE/3.0", tcUrl: "rtmp://h/live"}) as ffmpeg writes it
        ByteBuf b = Unpooled.buffer();
        Amf0.encode(b, "connect", 1.0, Amf0.object("app", "live", "type", "nonprivate", "flashVer", "FMLE/3.0",
                "tcUrl", "rtmp://h/live"));
        List<Object> v = Amf0.decodeAll(b, Amf0.Limits.DEFAULT);
        b.release();
        assertEquals("connect", v.get(0));
        assertEquals(1.0, v.get(1));
        Map<?, ?> props = (Map<?, ?>) v.get(2);
        assertEquals("live", props.get("app"));
        assertEquals("rtmp://h/live", props.get("tcUrl"));
    }

    @Test
    void decodesEveryType() throws Exception {
        List<Object> v = decode("00" + "3ff0000000000000" // number 1
                + "0101" // true
                + "020002" + "6869" // "hi"
                + "05" + "06" // null, undefined
                + "08" + "00000001" + "0001" + "61" + "0040" + "00000000000000" + "000009" // ecma {a: 2}
                + "0a" + "00000002" + "0100" + "0200" + "00" // strict [false, ""]
                + "0b" + "4000000000000000" + "0000" // date 2.0
                + "0c" + "00000003" + "616263"); // long string "abc"
        assertEquals(1.0, v.get(0));
        assertEquals(true, v.get(1));
        assertEquals("hi", v.get(2));
        assertEquals(Amf0.NULL, v.get(3));
        assertEquals(Amf0.UNDEFINED, v.get(4));
        assertTrue(v.get(5) instanceof Amf0.EcmaArray);
        assertEquals(2.0, ((Map<?, ?>) v.get(5)).get("a"));
        assertEquals(List.of(false, ""), v.get(6));
        assertEquals(new Amf0.AmfDate(2.0, 0), v.get(7));
        assertEquals("abc", v.get(8));
    }

    @Test
    void refusesLengthsBeyondTheBytesLeft() {
        AmfException s = assertThrows(AmfException.class, () -> decode("02ffff6869"));
        assertEquals("string of 65535 bytes with 2 left", s.getMessage());
        AmfException l = assertThrows(AmfException.class, () -> decode("0c7fffffff"));
        assertEquals("string of 2147483647 bytes with 0 left", l.getMessage());
        AmfException a = assertThrows(AmfException.class, () -> decode("0affffffff05"));
        assertTrue(a.getMessage().startsWith("strict array of 4294967295 elements"), a.getMessage());
        assertThrows(AmfException.class, () -> decode("00000000"));
        assertThrows(AmfException.class, () -> decode("030001")); // object cut inside a key
    }

    @Test
    void refusesDeepNestingAndTooManyValues() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("03").append("000161"); // {a: {a: ...
        }
        AmfException e = assertThrows(AmfException.class, () -> decode(sb.toString()));
        assertEquals("AMF0 values nested deeper than 16", e.getMessage());
        ByteBuf many = Unpooled.buffer();
        for (int i = 0; i < 5000; i++) {
            many.writeByte(Amf0.NULL_MARKER);
        }
        AmfException m = assertThrows(AmfException.class, () -> Amf0.decodeAll(many, Amf0.Limits.DEFAULT));
        assertEquals("more than 4096 AMF0 values in one message", m.getMessage());
        many.release();
    }

    @Test
    void refusesUnknownMarkers() {
        AmfException e = assertThrows(AmfException.class, () -> decode("11"));
        assertEquals("unsupported AMF0 type marker 0x11", e.getMessage());
    }
}
