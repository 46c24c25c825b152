package org.stateos.store;

/** How a unit is put: its durability and its retention. */
public record PutOptions(Durability durability, Retention retention) {
    /** LOCAL, NORMAL. */
    public static final PutOptions DEFAULT = new PutOptions(Durability.LOCAL, Retention.NORMAL);

    public PutOptions {
        if (durability == null || retention == null) {
            throw new IllegalArgumentException("put options need a durability and a retention");
        }
    }

    public static PutOptions of(Retention retention) {
        return new PutOptions(Durability.LOCAL, retention);
    }

    public PutOptions with(Durability d) {
        return new PutOptions(d, retention);
    }
}
