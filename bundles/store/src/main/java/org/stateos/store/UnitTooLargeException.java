package org.stateos.store;

/** A unit whose encoding is larger than the configured maximum ({@code unit.max.bytes}). */
public class UnitTooLargeException extends StoreException {
    private static final long serialVersionUID = 1L;

    public UnitTooLargeException(String message) {
        super(message);
    }
}
