package org.stateos.transcoder.internal.process;

import java.security.AccessController;
import java.security.PrivilegedAction;

/**
 * Threads of this bundle that hold nothing of whoever started them. A new thread inherits its creator's context
 * class loader and access control context (the protection domains of every class on the creating stack); this
 * bundle's threads are started while the framework refreshes other bundles (a component restarts when its
 * MediaService comes back), so either would keep those bundles' old revisions alive as long as the thread lives.
 */
public final class BundleThreads {
    private BundleThreads() {
    }

    @SuppressWarnings("removal") // AccessController: the only way to cut the inherited context on JDK 17
    public static Thread daemon(String name, Runnable body) {
        return AccessController.doPrivileged((PrivilegedAction<Thread>) () -> {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.setContextClassLoader(BundleThreads.class.getClassLoader());
            return t;
        });
    }
}
