package org.stateos.store;

/** A listener registration; {@link #close()} removes it (idempotent). */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
