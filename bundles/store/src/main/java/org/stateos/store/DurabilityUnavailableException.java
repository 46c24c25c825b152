package org.stateos.store;

/** A put asked for a durability this node cannot give now (replication needs the mesh). Nothing was written. */
public class DurabilityUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public DurabilityUnavailableException(String message) {
        super(message);
    }
}
