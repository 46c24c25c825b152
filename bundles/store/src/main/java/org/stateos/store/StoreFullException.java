package org.stateos.store;

/**
 * The device is full and nothing more can be evicted: every remaining unit is pinned, a current head, a last
 * known copy, or within its class's quota. The put was not written; nothing stored is damaged.
 */
public class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String message) {
        super(message);
    }

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
