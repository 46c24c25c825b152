package org.stateos.store.internal.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitStore;

@Service
@Command(scope = "store", name = "get",
        description = "Shows a unit (verified against its id): type, links, size, payload as text or a hex head")
public final class GetCommand implements Action {
    @Reference(optional = true)
    private UnitStore store;

    @Argument(index = 0, name = "id", description = "Unit id (b...)", required = true)
    private String id;

    @Option(name = "--out", description = "Write the payload to this file")
    private String out;

    @Override
    public Object execute() throws Exception {
        if (store == null) {
            System.out.println(StoreFormat.NOT_ACTIVE);
            return null;
        }
        UnitId unitId;
        try {
            unitId = UnitId.parse(id.trim());
        } catch (IllegalArgumentException e) {
            System.out.println("Not a unit id: " + Text.clean(e.getMessage()));
            return null;
        }
        Optional<Unit> unit;
        try {
            unit = store.get(unitId).toCompletableFuture().join();
        } catch (CompletionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            System.out.println("Cannot read " + unitId + ": " + Text.clean(c.getMessage()));
            return null;
        }
        if (unit.isEmpty()) {
            System.out.println("Unit " + unitId + " is not held on this node.");
            return null;
        }
        if (out != null) {
            Path p = Paths.get(out);
            Files.write(p, unit.get().payloadBytes());
            System.out.println("Id         " + unitId);
            System.out.println("Type       " + Text.clean(unit.get().type()));
            System.out.println("Payload    " + unit.get().payloadSize() + " bytes written to " + p.toAbsolutePath());
            return null;
        }
        StoreFormat.unit(unit.get()).forEach(System.out::println);
        return null;
    }
}
