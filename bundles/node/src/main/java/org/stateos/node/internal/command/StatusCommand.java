package org.stateos.node.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.api.node.NodeStatus;
import org.stateos.api.node.NodeStatusService;
import org.stateos.api.sched.RealtimeScheduling;
import org.stateos.node.internal.SharedEventLoopGroup;

@Service
@Command(scope = "esr", name = "status",
        description = "Shows node id, firmware version, uptime, bundles by state, trust verdicts, the I/O threads'"
                + " scheduling and listening sockets")
public final class StatusCommand implements Action {
    // Optional: the status service needs the node identity, and when the key file is damaged the operator
    // should get an explanation from esr:status rather than "Command not found".
    @Reference(optional = true)
    private NodeStatusService statusService;

    @Option(name = "--json", description = "Print JSON for scripts")
    private boolean json;

    @Override
    public Object execute() {
        NodeStatusService service = statusService;
        if (service == null) {
            System.out.println(json ? StatusFormat.unavailableJson() : StatusFormat.UNAVAILABLE);
            return null;
        }
        NodeStatus status = service.status();
        // Read from /proc, not from the group: what the kernel applies (e.g. a policy changed by hand with chrt).
        String io = RealtimeScheduling.summary(RealtimeScheduling.threadsNamed(SharedEventLoopGroup.THREAD_PREFIX));
        // Printed here: a Gogo return value is not printed through bin/client (stack note 4).
        if (json) {
            System.out.println(StatusFormat.json(status, io));
        } else {
            StatusFormat.table(status, io).forEach(System.out::println);
        }
        return null;
    }
}
