package org.stateos.store;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable data unit: a type, links to other units, and a payload. Its id is the multihash of its
 * canonical encoding, so anyone holding the bytes can check them against the id.
 *
 * <p>Canonical encoding v1 (byte-exact; see the README for golden vectors):
 * <pre>
 *   0x01                          encoding version
 *   varint typeLength             1..{@value #MAX_TYPE_BYTES}
 *   typeLength bytes              type, well-formed UTF-8 without control characters
 *   varint linkCount              0..{@value #MAX_LINKS}
 *   linkCount x 34 bytes          each link's multihash: 0x12 0x20 digest[32]
 *   varint payloadLength          exactly the bytes that follow
 *   payloadLength bytes           payload
 * </pre>
 * Varints are unsigned LEB128 in their minimal form; decoding refuses overlong varints, trailing bytes, and
 * any length beyond what is left or beyond its maximum, before allocating anything of that length. So one
 * unit has exactly one encoding, and one id.
 *
 * <p>A unit keeps its encoding; {@link #payload()} is a read-only view into it, without a copy.
 */
public final class Unit {
    public static final int ENCODING_VERSION = 1;
    public static final int MAX_TYPE_BYTES = 128;
    /** Enough for a Merkle node of 1024 children with room to spare; keeps a decoded link list small. */
    public static final int MAX_LINKS = 4096;
    /** The default cap of a unit's encoded size (config {@code unit.max.bytes}). */
    public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
    /** Type of the unit that marks an object deleted; it links to the heads it replaces. */
    public static final String TOMBSTONE = "stateos.tombstone";

    private final byte[] encoding;
    private final String type;
    private final List<UnitId> links;
    private final int payloadOffset;
    private volatile UnitId id;

    private Unit(byte[] encoding, String type, List<UnitId> links, int payloadOffset) {
        this.encoding = encoding;
        this.type = type;
        this.links = links;
        this.payloadOffset = payloadOffset;
    }

    public static Unit of(String type, byte[] payload) {
        return of(type, List.of(), payload);
    }

    /**
     * Builds a unit. Refuses a type that is empty, longer than {@value #MAX_TYPE_BYTES} UTF-8 bytes or holds
     * control characters, and more than {@value #MAX_LINKS} links. The payload is copied once.
     */
    public static Unit of(String type, List<UnitId> links, byte[] payload) {
        return of(type, links, payload, 0, payload.length);
    }

    public static Unit of(String type, List<UnitId> links, byte[] payload, int offset, int length) {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("a unit needs a type");
        }
        byte[] t = Wire.utf8(type, "type");
        if (t.length > MAX_TYPE_BYTES) {
            throw new IllegalArgumentException("type is " + t.length + " UTF-8 bytes, at most " + MAX_TYPE_BYTES);
        }
        String bad = Wire.controlCharacter(type);
        if (bad != null) {
            throw new IllegalArgumentException("type contains control character " + bad);
        }
        List<UnitId> l = List.copyOf(links);
        if (l.size() > MAX_LINKS) {
            throw new IllegalArgumentException(l.size() + " links, at most " + MAX_LINKS);
        }
        long size = 1L + Wire.varintSize(t.length) + t.length + Wire.varintSize(l.size()) + (long) l.size() * UnitId.LENGTH
                + Wire.varintSize(length) + length;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("unit of " + size + " bytes cannot be encoded");
        }
        int payloadOffset = (int) size - length;
        byte[] enc = new byte[(int) size];
        // The payload first, straight after the allocation: then the JIT zeroes only the header's bytes instead of the
        // whole array (a 256 KiB unit: 18-26 µs instead of 27-36 µs here, one core).
        System.arraycopy(payload, offset, enc, payloadOffset, length);
        int p = 0;
        enc[p++] = ENCODING_VERSION;
        p = Wire.putVarint(enc, p, t.length);
        System.arraycopy(t, 0, enc, p, t.length);
        p += t.length;
        p = Wire.putVarint(enc, p, l.size());
        for (UnitId link : l) {
            link.copyTo(enc, p);
            p += UnitId.LENGTH;
        }
        p = Wire.putVarint(enc, p, length);
        assert p == payloadOffset;
        return new Unit(enc, type, l, payloadOffset);
    }

    /** A tombstone: type {@value #TOMBSTONE}, no payload, linking to the heads it replaces. */
    public static Unit tombstone(List<UnitId> predecessors) {
        return of(TOMBSTONE, predecessors, new byte[0]);
    }

    /**
     * Decodes a canonical encoding (copied first), refusing anything longer than {@code maxBytes} or not in
     * canonical form.
     */
    public static Unit decode(byte[] encoding, int maxBytes) throws MalformedUnitException {
        return decodeOwned(encoding.clone(), maxBytes);
    }

    /** Decodes the remaining bytes of {@code encoding} (copied once; the buffer's position is not moved). */
    public static Unit decode(ByteBuffer encoding, int maxBytes) throws MalformedUnitException {
        if (encoding.remaining() > maxBytes) {
            throw new MalformedUnitException("unit: " + encoding.remaining() + " bytes, more than the maximum " + maxBytes);
        }
        byte[] b = new byte[encoding.remaining()];
        encoding.duplicate().get(b);
        return decodeOwned(b, maxBytes);
    }

    private static Unit decodeOwned(byte[] b, int maxBytes) throws MalformedUnitException {
        if (b.length > maxBytes) {
            throw new MalformedUnitException("unit: " + b.length + " bytes, more than the maximum " + maxBytes);
        }
        return ofParsed(b, Header.read(new Wire.Reader(b, 0, b.length, "unit")));
    }

    /** A unit of an encoding {@link Header#read} has parsed (the array is the unit's own from now on). */
    static Unit ofParsed(byte[] encoding, Header h) {
        return new Unit(encoding, h.type(), h.links(), h.payloadOffset());
    }

    /** What an encoding says before its payload: its type, its links and where the payload starts. */
    record Header(String type, List<UnitId> links, int payloadOffset) {
        /** Parses a whole encoding from the reader's position, refusing what is not canonical (see the class). */
        static Header read(Wire.Reader r) throws MalformedUnitException {
            int version = r.u8();
            if (version != ENCODING_VERSION) {
                throw new MalformedUnitException("unit: encoding version " + version + ", only " + ENCODING_VERSION + " is known");
            }
            int typeLength = (int) r.varint(MAX_TYPE_BYTES, "type length");
            if (typeLength == 0) {
                throw r.error("empty type");
            }
            String type = r.utf8(typeLength, "type");
            int linkCount = (int) r.varint(MAX_LINKS, "link count");
            r.need((long) linkCount * UnitId.LENGTH, "links");
            UnitId[] links = new UnitId[linkCount];
            for (int i = 0; i < linkCount; i++) {
                links[i] = r.unitId("link " + i);
            }
            int payloadLength = (int) r.varint(Integer.MAX_VALUE, "payload length");
            r.need(payloadLength, "payload");
            int payloadOffset = r.pos();
            if (payloadLength != r.remaining()) {
                throw r.error((r.remaining() - payloadLength) + " trailing bytes after the payload");
            }
            return new Header(type, List.of(links), payloadOffset);
        }
    }

    /** The multihash of the encoding (computed once). */
    public UnitId id() {
        UnitId i = id;
        if (i == null) {
            i = UnitId.of(encoding);
            id = i;
        }
        return i;
    }

    public String type() {
        return type;
    }

    public List<UnitId> links() {
        return links;
    }

    public boolean isTombstone() {
        return TOMBSTONE.equals(type);
    }

    /** A read-only view of the payload (no copy). */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(encoding, payloadOffset, encoding.length - payloadOffset).slice().asReadOnlyBuffer();
    }

    /** A copy of the payload. */
    public byte[] payloadBytes() {
        return Arrays.copyOfRange(encoding, payloadOffset, encoding.length);
    }

    public int payloadSize() {
        return encoding.length - payloadOffset;
    }

    /** Bytes of the canonical encoding. */
    public int encodedSize() {
        return encoding.length;
    }

    /** A copy of the canonical encoding. */
    public byte[] encode() {
        return encoding.clone();
    }

    /** A read-only view of the canonical encoding (no copy). */
    public ByteBuffer encoding() {
        return ByteBuffer.wrap(encoding).asReadOnlyBuffer();
    }

    /** Same id, same unit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Unit other && Arrays.equals(encoding, other.encoding);
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "Unit[" + id().shortForm() + " " + type + ", " + links.size() + " links, " + payloadSize() + " bytes]";
    }

}
