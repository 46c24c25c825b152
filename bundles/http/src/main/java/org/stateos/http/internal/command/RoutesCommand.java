package org.stateos.http.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.annotation.bundle.Header;
import org.stateos.http.internal.HttpServerInfo;

/** http:routes — the routes, who registered them, their methods and counts, and where the server listens. */
@Service
@Command(scope = "http", name = "routes",
        description = "Lists HTTP routes (bundle, methods, request counts) and the listening address")
@Header(name = "Karaf-Commands", value = "*") // stack note 9: bnd-built bundles need it for @Command to register
public final class RoutesCommand implements Action {
    @Reference
    HttpServerInfo server;

    @Option(name = "--json", description = "Print JSON (all counters) instead of a table")
    boolean json;

    @Override
    public Object execute() {
        System.out.print(json ? RoutesReport.json(server) : RoutesReport.table(server));
        System.out.flush();
        return null;
    }
}
