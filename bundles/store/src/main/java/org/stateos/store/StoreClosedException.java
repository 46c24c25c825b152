package org.stateos.store;

/** The store is closed (bundle stopping) or being formatted. */
public class StoreClosedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreClosedException(String message) {
        super(message);
    }
}
