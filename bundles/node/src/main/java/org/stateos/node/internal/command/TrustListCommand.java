package org.stateos.node.internal.command;

import java.security.cert.X509Certificate;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.trust.TrustGate;
import org.stateos.trust.Verdict;

/**
 * trust:list lives in the node bundle, not in the trust bundle: the gate is in force before any other
 * bundle resolves, so it imports nothing but org.osgi.framework and cannot depend on the Karaf shell.
 * It publishes a read-only {@link TrustGate} service and this command reads it.
 */
@Service
@Command(scope = "trust", name = "list",
        description = "Lists the signature gate's verdict on every bundle: signer, or the reason it was refused")
public final class TrustListCommand implements Action {
    // Optional so that the command still answers (with "not running") when the gate is not registered.
    @Reference(optional = true)
    private TrustGate gate;

    @Option(name = "--refused", description = "Only refusals since boot, including bundles since uninstalled")
    private boolean refusedOnly;

    @Option(name = "--json", description = "Print JSON for scripts")
    private boolean json;

    @Override
    public Object execute() {
        TrustGate g = gate;
        if (g == null) {
            System.out.println(json ? TrustFormat.json(false, null, List.of()) : TrustFormat.GATE_NOT_RUNNING);
            return null;
        }
        List<Verdict> verdicts = refusedOnly ? g.refusals() : g.verdicts();
        if (json) {
            X509Certificate anchor = g.anchor();
            System.out.println(TrustFormat.json(true,
                    anchor == null ? null : anchor.getSubjectX500Principal().getName(), verdicts));
        } else {
            TrustFormat.table(verdicts, refusedOnly).forEach(System.out::println);
        }
        return null;
    }
}
