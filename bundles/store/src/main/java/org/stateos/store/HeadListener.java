package org.stateos.store;

/**
 * Told of head changes once they are durable, in order per object. Called outside the store's locks on the
 * store's one listener thread (never the engine's I/O thread): return quickly and hand long work to your own
 * executor, or later changes queue behind you; a bounded number of changes wait, beyond it changes are not
 * delivered (logged; compare a change's {@code before} with the previous {@code after} to see a gap). An
 * exception thrown here is logged and does not reach other listeners or the writer.
 */
@FunctionalInterface
public interface HeadListener {
    void headsChanged(HeadChange change);
}
