package org.stateos.store.internal;

import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.store.HeadChange;
import org.stateos.store.HeadListener;
import org.stateos.store.ObjectId;
import org.stateos.store.Registration;

/** Head listeners, per object or global. Outlives a store:format (the component keeps it). */
final class HeadListeners {
    private static final Logger LOG = LoggerFactory.getLogger(HeadListeners.class);

    private record Entry(ObjectId object, HeadListener listener) {}

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();

    /** {@code object == null}: every object. */
    Registration add(ObjectId object, HeadListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        Entry e = new Entry(object, listener);
        entries.add(e);
        return () -> entries.remove(e);
    }

    /** Calls every matching listener; a listener that throws is logged and the others still run. */
    void fire(HeadChange change) {
        for (Entry e : entries) {
            if (e.object() != null && !e.object().equals(change.object())) {
                continue;
            }
            try {
                e.listener().headsChanged(change);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                LOG.warn("head listener {} failed on {}: {}", e.listener(), change.object(), t.toString(), t);
            }
        }
    }

    int size() {
        return entries.size();
    }
}
