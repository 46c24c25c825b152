package org.stateos.store;

/**
 * A large object stored as a Merkle tree of units: the root unit and the object's size in bytes.
 * {@link UnitStore#openStream(UnitId)} reads it back from the root alone.
 */
public record BlobRef(UnitId root, long size, int leaves) {}
