package org.stateos.store;

/** A unit that this node does not hold (never stored, or evicted), met where it is required. */
public class UnitNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final transient UnitId unit;

    public UnitNotFoundException(UnitId unit, String message) {
        super(message);
        this.unit = unit;
    }

    public UnitId unit() {
        return unit;
    }
}
