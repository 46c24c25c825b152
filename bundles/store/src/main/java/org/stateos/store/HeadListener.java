package org.stateos.store;

/**
 * Told of head changes once they are durable, in order per object. Called outside the store's locks on the
 * thread that completed the change (often the engine's commit thread): return quickly, hand long work to your
 * own executor. An exception thrown here is logged and does not reach other listeners or the writer.
 */
@FunctionalInterface
public interface HeadListener {
    void headsChanged(HeadChange change);
}
