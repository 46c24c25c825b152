package org.stateos.node.internal.seal;

import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Registry;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the console commands that open the box (run OS processes, call arbitrary Java, add
 * commands, edit files) from the shell's registry, so they are gone rather than merely denied.
 * Karaf registers some of them when the shell starts and others whenever the shell-commands
 * bundle starts, so the sweep runs on activation and again after every bundle start.
 */
@Component(immediate = true)
public final class ShellSeal {
    private static final Logger LOG = LoggerFactory.getLogger(ShellSeal.class);

    private final Registry registry;
    private final BundleContext context;
    private final BundleListener onBundleStarted;

    @Activate
    public ShellSeal(@Reference SessionFactory sessionFactory, BundleContext context) {
        this.registry = sessionFactory.getRegistry();
        this.context = context;
        // An asynchronous listener runs after the shell's own (synchronous) extender has registered
        // the started bundle's commands.
        this.onBundleStarted = event -> {
            if (event.getType() == BundleEvent.STARTED) {
                sweep();
            }
        };
        context.addBundleListener(onBundleStarted);
        sweep();
    }

    @Deactivate
    void close() {
        context.removeBundleListener(onBundleStarted);
    }

    /** Unregisters every sealed command present now; returns how many it removed. */
    int sweep() {
        int removed = 0;
        for (SealedCommands.Name sealed : SealedCommands.REMOVED) {
            // getCommand, not getCommands: the latter hides commands the calling thread's subject may not
            // see under the ACL, and this thread runs as nobody.
            for (int guard = 0; guard < 16; guard++) {
                Command command = registry.getCommand(sealed.scope(), sealed.name());
                if (command == null) {
                    break;
                }
                registry.unregister(command);
                removed++;
                LOG.info("Sealed console: removed {}", sealed);
            }
        }
        return removed;
    }
}
