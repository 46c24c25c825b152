package org.stateos.store;

/** Bytes that are not a valid canonical unit encoding (v1), with the reason and the byte offset. */
public class MalformedUnitException extends StoreException {
    private static final long serialVersionUID = 1L;

    public MalformedUnitException(String message) {
        super(message);
    }
}
