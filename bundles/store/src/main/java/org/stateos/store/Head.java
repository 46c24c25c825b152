package org.stateos.store;

import org.stateos.api.node.NodeId;

/**
 * The state of an object as one writer saw it: the object's newest unit, who wrote it and when (hybrid
 * logical clock). Signed, it becomes a {@link SignedHead}.
 */
public record Head(ObjectId object, UnitId unit, NodeId writer, Hlc clock) {
    public static final int ENCODING_VERSION = 1;

    public Head {
        if (object == null || unit == null || writer == null || clock == null) {
            throw new IllegalArgumentException("a head names object, unit, writer and clock");
        }
    }

    /**
     * The canonical encoding v1: {@code 0x01, varint objectLength, object (UTF-8), unit multihash (34 bytes),
     * writer node id (32 bytes), clock (8 bytes big-endian, Hlc.pack())}.
     */
    public byte[] encode() {
        byte[] name = Wire.utf8(object.name(), "object id");
        byte[] out = new byte[1 + Wire.varintSize(name.length) + name.length + UnitId.LENGTH + NodeId.LENGTH + 8];
        int p = 0;
        out[p++] = ENCODING_VERSION;
        p = Wire.putVarint(out, p, name.length);
        System.arraycopy(name, 0, out, p, name.length);
        p += name.length;
        unit.copyTo(out, p);
        p += UnitId.LENGTH;
        System.arraycopy(writer.toBytes(), 0, out, p, NodeId.LENGTH);
        p += NodeId.LENGTH;
        long c = clock.pack();
        for (int i = 7; i >= 0; i--) {
            out[p++] = (byte) (c >>> (8 * i));
        }
        return out;
    }

    static Head read(Wire.Reader r) throws MalformedUnitException {
        int version = r.u8();
        if (version != ENCODING_VERSION) {
            throw r.error("head encoding version " + version + ", only " + ENCODING_VERSION + " is known");
        }
        int n = (int) r.varint(ObjectId.MAX_BYTES, "object id length");
        if (n == 0) {
            throw r.error("empty object id");
        }
        ObjectId object = new ObjectId(r.utf8(n, "object id"));
        UnitId unit = r.unitId("head unit");
        NodeId writer = NodeId.fromBytes(r.bytes(NodeId.LENGTH, "writer"));
        Hlc clock = Hlc.unpack(r.u64());
        return new Head(object, unit, writer, clock);
    }
}
