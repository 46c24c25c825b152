package org.stateos.rtmp.internal.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 (Action Message Format 0) as RTMP commands and data messages carry it: pure functions over a
 * {@link ByteBuf}.
 *
 * <p>Java forms: number → {@link Double}, boolean → {@link Boolean}, string and long string → {@link String},
 * object → {@code Map<String, Object>} (insertion order), ECMA array → {@link EcmaArray}, strict array →
 * {@code List<Object>}, date → {@link AmfDate}, null → {@link #NULL}, undefined → {@link #UNDEFINED}.
 *
 * <p>Bounds: nesting depth at most {@link Limits#maxDepth()}, every length checked against the bytes left before
 * anything is allocated, and the number of values decoded (all levels together) at most
 * {@link Limits#maxValues()}; anything else fails with {@link AmfException}.
 */
public final class Amf0 {
    public static final int NUMBER = 0x00;
    public static final int BOOLEAN = 0x01;
    public static final int STRING = 0x02;
    public static final int OBJECT = 0x03;
    public static final int MOVIECLIP = 0x04;
    public static final int NULL_MARKER = 0x05;
    public static final int UNDEFINED_MARKER = 0x06;
    public static final int REFERENCE = 0x07;
    public static final int ECMA_ARRAY = 0x08;
    public static final int OBJECT_END = 0x09;
    public static final int STRICT_ARRAY = 0x0A;
    public static final int DATE = 0x0B;
    public static final int LONG_STRING = 0x0C;
    public static final int UNSUPPORTED = 0x0D;
    public static final int XML_DOCUMENT = 0x0F;
    public static final int TYPED_OBJECT = 0x10;
    public static final int AVMPLUS = 0x11;

    /** AMF0 null. */
    public static final Object NULL = new Marker("null");
    /** AMF0 undefined. */
    public static final Object UNDEFINED = new Marker("undefined");

    /** Decoding bounds. */
    public record Limits(int maxDepth, int maxValues) {
        /** Generous for any real RTMP command (OBS's connect holds about 15 values, onMetaData about 25). */
        public static final Limits DEFAULT = new Limits(16, 4096);
    }

    /** A date: milliseconds since the epoch and the (ignored by everyone) time zone offset in minutes. */
    public record AmfDate(double millis, int timeZoneMinutes) {
    }

    /** An ECMA (associative) array: an ordered map, kept apart from an object so it encodes back the same. */
    public static final class EcmaArray extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    private static final class Marker {
        private final String name;

        Marker(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Amf0() {
    }

    /** Decodes every value up to the end of {@code in} (a command: name, transaction id, arguments...). */
    public static List<Object> decodeAll(ByteBuf in, Limits limits) throws AmfException {
        List<Object> values = new ArrayList<>();
        int[] budget = {limits.maxValues()};
        while (in.isReadable()) {
            values.add(decode(in, limits, 0, budget));
        }
        return values;
    }

    /** Decodes one value. */
    public static Object decodeOne(ByteBuf in, Limits limits) throws AmfException {
        return decode(in, limits, 0, new int[] {limits.maxValues()});
    }

    private static Object decode(ByteBuf in, Limits limits, int depth, int[] budget) throws AmfException {
        if (--budget[0] < 0) {
            throw new AmfException("more than " + limits.maxValues() + " AMF0 values in one message");
        }
        need(in, 1, "type marker");
        int marker = in.readUnsignedByte();
        switch (marker) {
            case NUMBER:
                need(in, 8, "number");
                return in.readDouble();
            case BOOLEAN:
                need(in, 1, "boolean");
                return in.readByte() != 0;
            case STRING:
                return readString(in, false);
            case LONG_STRING:
                return readString(in, true);
            case OBJECT:
                return readProperties(in, limits, depth, budget, new LinkedHashMap<>());
            case TYPED_OBJECT:
                readString(in, false); // class name: dropped, the properties are what RTMP peers use
                return readProperties(in, limits, depth, budget, new LinkedHashMap<>());
            case ECMA_ARRAY:
                need(in, 4, "ECMA array count");
                in.skipBytes(4); // an advisory count: many encoders get it wrong; the end marker is what counts
                return readProperties(in, limits, depth, budget, new EcmaArray());
            case STRICT_ARRAY: {
                need(in, 4, "strict array count");
                long count = in.readUnsignedInt();
                // Each element takes at least one byte: a count beyond the bytes left is a lie.
                if (count > in.readableBytes() || count > budget[0]) {
                    throw new AmfException("strict array of " + count + " elements with " + in.readableBytes()
                            + " bytes left");
                }
                checkDepth(depth, limits);
                List<Object> list = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) {
                    list.add(decode(in, limits, depth + 1, budget));
                }
                return list;
            }
            case DATE: {
                need(in, 10, "date");
                double millis = in.readDouble();
                return new AmfDate(millis, in.readShort());
            }
            case NULL_MARKER:
                return NULL;
            case UNDEFINED_MARKER:
            case UNSUPPORTED:
                return UNDEFINED;
            case XML_DOCUMENT:
                return readString(in, true);
            default:
                throw new AmfException(String.format("unsupported AMF0 type marker 0x%02x", marker));
        }
    }

    private static Map<String, Object> readProperties(ByteBuf in, Limits limits, int depth, int[] budget,
            Map<String, Object> into) throws AmfException {
        checkDepth(depth, limits);
        while (true) {
            String key = readString(in, false);
            if (key.isEmpty()) {
                need(in, 1, "object end marker");
                int end = in.getUnsignedByte(in.readerIndex());
                if (end == OBJECT_END) {
                    in.skipBytes(1);
                    return into;
                }
            }
            into.put(key, decode(in, limits, depth + 1, budget));
        }
    }

    private static void checkDepth(int depth, Limits limits) throws AmfException {
        if (depth >= limits.maxDepth()) {
            throw new AmfException("AMF0 values nested deeper than " + limits.maxDepth());
        }
    }

    private static String readString(ByteBuf in, boolean longString) throws AmfException {
        need(in, longString ? 4 : 2, "string length");
        long length = longString ? in.readUnsignedInt() : in.readUnsignedShort();
        if (length > in.readableBytes()) {
            throw new AmfException("string of " + length + " bytes with " + in.readableBytes() + " left");
        }
        String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return s;
    }

    private static void need(ByteBuf in, int bytes, String what) throws AmfException {
        if (in.readableBytes() < bytes) {
            throw new AmfException("truncated AMF0 " + what + ": need " + bytes + " bytes, " + in.readableBytes()
                    + " left");
        }
    }

    // ---- encoding ----

    /** Encodes values one after another. */
    public static void encode(ByteBuf out, Object... values) {
        for (Object v : values) {
            encodeValue(out, v);
        }
    }

    @SuppressWarnings("unchecked")
    public static void encodeValue(ByteBuf out, Object v) {
        if (v == null || v == NULL) {
            out.writeByte(NULL_MARKER);
        } else if (v == UNDEFINED) {
            out.writeByte(UNDEFINED_MARKER);
        } else if (v instanceof Number n) {
            out.writeByte(NUMBER).writeDouble(n.doubleValue());
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (v instanceof String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xFFFF) {
                out.writeByte(LONG_STRING).writeInt(bytes.length).writeBytes(bytes);
            } else {
                out.writeByte(STRING).writeShort(bytes.length).writeBytes(bytes);
            }
        } else if (v instanceof EcmaArray a) {
            out.writeByte(ECMA_ARRAY).writeInt(a.size());
            writeProperties(out, a);
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte(OBJECT);
            writeProperties(out, (Map<String, Object>) m);
        } else if (v instanceof List<?> list) {
            out.writeByte(STRICT_ARRAY).writeInt(list.size());
            for (Object e : list) {
                encodeValue(out, e);
            }
        } else if (v instanceof AmfDate d) {
            out.writeByte(DATE).writeDouble(d.millis()).writeShort(d.timeZoneMinutes());
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + v.getClass().getName());
        }
    }

    private static void writeProperties(ByteBuf out, Map<String, Object> map) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeShort(key.length).writeBytes(key);
            encodeValue(out, e.getValue());
        }
        out.writeShort(0).writeByte(OBJECT_END);
    }

    /** A small ordered object from key/value pairs: {@code object("level", "status", "code", ...)}. */
    public static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
