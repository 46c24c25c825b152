package org.stateos.store;

/** What a verified head from a peer did to the object's heads. */
public enum AcceptResult {
    /** The object had no head here; the remote head is its head now. */
    NEW,
    /** The remote head descends from one or more heads here: it superseded them. */
    ADVANCED,
    /** Neither it nor a head here is an ancestor of the other (as far as the units held here show): both kept. */
    FORKED,
    /** The remote head is an ancestor of a head here: nothing changed. */
    STALE,
    /** The same unit is already a head here: nothing changed. */
    DUPLICATE;

    public boolean changed() {
        return this == NEW || this == ADVANCED || this == FORKED;
    }
}
