package org.stateos.store;

/**
 * How durable a put must be before it is acknowledged: {@link #LOCAL} (on this node's device, forced) or
 * {@link #replicated(int)} (on that many nodes in all, this one included). Replication needs the mesh: until
 * it exists, a replicated put fails with {@link DurabilityUnavailableException} and writes nothing.
 */
public record Durability(int copies) {
    public static final Durability LOCAL = new Durability(1);

    public Durability {
        if (copies < 1) {
            throw new IllegalArgumentException("a durability of " + copies + " copies");
        }
    }

    public static Durability replicated(int copies) {
        if (copies < 2) {
            throw new IllegalArgumentException("replicated needs at least 2 copies, got " + copies);
        }
        return new Durability(copies);
    }

    public boolean isLocal() {
        return copies == 1;
    }

    @Override
    public String toString() {
        return isLocal() ? "LOCAL" : "REPLICATED(" + copies + ")";
    }
}
