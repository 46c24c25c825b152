package org.stateos.store;

/** A signed head that fails verification: bad encoding, key not P-256, key not the writer's, or bad signature. */
public class HeadVerificationException extends StoreException {
    private static final long serialVersionUID = 1L;

    public HeadVerificationException(String message) {
        super(message);
    }

    public HeadVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
