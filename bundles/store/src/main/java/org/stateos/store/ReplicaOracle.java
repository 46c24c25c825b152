package org.stateos.store;

/**
 * Tells the store whether other nodes hold a unit, so that eviction never drops the last known copy. The mesh
 * registers it as an OSGi service; without one, the store assumes every unit is the last copy (and evicts
 * only {@link RetentionClass#CACHE} units, which are re-fetchable by definition).
 *
 * <p>Called from the store's eviction, possibly many times in a row: answer from memory, never block.
 */
@FunctionalInterface
public interface ReplicaOracle {
    /** True when no other node is known to hold {@code unit}. When unsure, answer true. */
    boolean isLastKnownCopy(UnitId unit);
}
