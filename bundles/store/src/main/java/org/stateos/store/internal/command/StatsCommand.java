package org.stateos.store.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.store.UnitStore;
import org.stateos.store.internal.StoreAdmin;

@Service
@Command(scope = "store", name = "stats",
        description = "Shows the device and I/O mode, units and bytes per retention class, cache, evictions, engine figures")
public final class StatsCommand implements Action {
    // Optional, so the command answers "not active" rather than "Command not found".
    @Reference(optional = true)
    private UnitStore store;

    @Reference(optional = true)
    private StoreAdmin admin;

    @Option(name = "--json", description = "Print JSON for scripts")
    private boolean json;

    @Override
    public Object execute() {
        if (store == null || admin == null) {
            System.out.println(StoreFormat.NOT_ACTIVE);
            return null;
        }
        if (!admin.isOpen()) {
            System.out.println(StoreFormat.notOpen(admin.devicePath(), admin.problem()));
            return null;
        }
        // Printed here: a Gogo return value is not printed through bin/client.
        if (json) {
            System.out.println(StoreFormat.statsJson(store.stats()));
        } else {
            StoreFormat.stats(store.stats()).forEach(System.out::println);
        }
        return null;
    }
}
