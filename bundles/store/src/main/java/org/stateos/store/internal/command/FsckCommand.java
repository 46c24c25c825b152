package org.stateos.store.internal.command;

import java.util.concurrent.CompletionException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.store.FsckReport;
import org.stateos.store.UnitStore;

@Service
@Command(scope = "store", name = "fsck",
        description = "Verifies every unit (checksum, id), link, head signature and index entry; reads the whole store")
public final class FsckCommand implements Action {
    @Reference(optional = true)
    private UnitStore store;

    @Option(name = "--json", description = "Print JSON for scripts (every problem listed)")
    private boolean json;

    @Override
    public Object execute() {
        if (store == null) {
            System.out.println(StoreFormat.NOT_ACTIVE);
            return null;
        }
        FsckReport r;
        try {
            r = store.fsck().toCompletableFuture().join();
        } catch (CompletionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            System.out.println("fsck failed: " + Text.clean(c.getMessage()));
            return null;
        }
        if (json) {
            System.out.println(StoreFormat.fsckJson(r));
        } else {
            StoreFormat.fsck(r).forEach(System.out::println);
        }
        return null;
    }
}
