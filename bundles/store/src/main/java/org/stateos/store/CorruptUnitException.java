package org.stateos.store;

/**
 * Stored data that fails verification: a record whose checksum is wrong, bytes that do not hash to the id
 * they are stored under, or a piece of a large object that does not match its tree. Corrupt data is
 * reported, never returned.
 */
public class CorruptUnitException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final transient UnitId unit;

    public CorruptUnitException(UnitId unit, String message) {
        super(message);
        this.unit = unit;
    }

    public CorruptUnitException(UnitId unit, String message, Throwable cause) {
        super(message, cause);
        this.unit = unit;
    }

    /** The unit that failed verification. */
    public UnitId unit() {
        return unit;
    }
}
