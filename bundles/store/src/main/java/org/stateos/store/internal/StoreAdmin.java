package org.stateos.store.internal;

import java.io.IOException;

/** What the store:* commands need beyond {@link org.stateos.store.UnitStore}; a service private to this bundle. */
public interface StoreAdmin {
    /** The resolved device path. */
    String devicePath();

    /** True when the store is open; false after a failure to open (see {@link #problem()}). */
    boolean isOpen();

    /** Why the store is not open, or null. */
    String problem();

    /**
     * Closes the store if open, formats the device and opens the empty store. A device this store had open is
     * its own and is formatted; a device that holds something else (partition table, file system) only with
     * {@code overwriteForeign}.
     */
    void format(boolean overwriteForeign) throws IOException;
}
