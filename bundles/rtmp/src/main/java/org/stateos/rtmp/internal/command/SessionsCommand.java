package org.stateos.rtmp.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.annotation.bundle.Header;
import org.stateos.rtmp.internal.RtmpSessions;

/** rtmp:sessions — the RTMP connections: remote address, application, stream, state, bytes, bitrate, uptime. */
@Service
@Command(scope = "rtmp", name = "sessions",
        description = "Lists RTMP connections (remote address, app, stream, state, bytes in, bitrate, uptime)")
@Header(name = "Karaf-Commands", value = "*") // stack note 9: bnd-built bundles need it for @Command to register
public final class SessionsCommand implements Action {
    @Reference
    RtmpSessions sessions;

    @Option(name = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    public Object execute() {
        System.out.print(json ? SessionsReport.json(sessions) : SessionsReport.table(sessions));
        System.out.flush();
        return null;
    }
}
