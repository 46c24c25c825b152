package org.stateos.store.internal;

/**
 * The record kinds the unit store writes into the engine's log. 0x10 and up, leaving 0x00-0x0F to the engine
 * for its own records (checkpoints, deletes, padding).
 */
final class RecordKinds {
    /** key = unit multihash (34 bytes); value = the unit's canonical encoding, nothing else (fsck hashes it). */
    static final byte UNIT = 0x10;
    /** key = unit multihash; value v1 = 0x01, class (u8 ordinal), created ms (u64), window ms (u64), size (u32). */
    static final byte UNIT_META = 0x11;
    /** key = SHA-256(object id UTF-8); value v1 = 0x01, varint n, n x (varint length, SignedHead wire form). */
    static final byte HEADS = 0x12;
    /** See {@link TimeIndexImpl}. */
    static final byte TIME_INDEX = 0x13;

    /** Kinds the engine keeps inline (in memory and in its checkpoints): small, one per unit or fragment. */
    static final java.util.Set<Byte> INLINE = java.util.Set.of(UNIT_META, TIME_INDEX);

    private RecordKinds() {}
}
