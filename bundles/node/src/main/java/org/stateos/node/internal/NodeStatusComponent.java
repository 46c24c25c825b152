package org.stateos.node.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.node.NodeIdentity;
import org.stateos.api.node.NodeStatus;
import org.stateos.api.node.NodeStatus.TrustSummary;
import org.stateos.api.node.NodeStatusService;
import org.stateos.trust.TrustGate;
import org.stateos.trust.Verdict;

/** Gathers {@link NodeStatus} afresh on every call: nothing is cached, nothing runs in the background. */
@Component(service = NodeStatusService.class)
public final class NodeStatusComponent implements NodeStatusService {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatusComponent.class);
    private static final Path PROC = Path.of("/proc");

    private final NodeIdentity identity;
    private final BundleContext systemContext;
    private final Bundle self;

    /*
     * The gate may come and go (a refresh of the trust bundle) without taking the status down with it, so
     * this one reference is dynamic and cannot be a final constructor parameter: DS sets the field.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TrustGate trustGate;

    @Activate
    public NodeStatusComponent(@Reference NodeIdentity identity, BundleContext context) {
        this.identity = identity;
        this.self = context.getBundle();
        // Bundle counts over every bundle: the system bundle's context is not narrowed by find hooks (regions).
        BundleContext system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getBundleContext();
        this.systemContext = system != null ? system : context;
    }

    @Override
    public NodeStatus status() {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        return new NodeStatus(
                identity.nodeId(),
                FirmwareVersion.of(self),
                Instant.ofEpochMilli(runtime.getStartTime()),
                Duration.ofMillis(runtime.getUptime()),
                bundlesByState(systemContext.getBundles()),
                trust(trustGate),
                listening());
    }

    static Map<String, Integer> bundlesByState(Bundle[] bundles) {
        Map<String, Integer> counts = new HashMap<>();
        for (Bundle b : bundles) {
            counts.merge(stateName(b.getState()), 1, Integer::sum);
        }
        return counts;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN";
        };
    }

    /** The gate's counts over the bundles installed now; null when no gate is registered ("gate not running"). */
    static TrustSummary trust(TrustGate gate) {
        if (gate == null) {
            return null;
        }
        try {
            X509Certificate anchor = gate.anchor();
            return summarize(gate.verdicts(), anchor == null ? "" : anchor.getSubjectX500Principal().getName());
        } catch (RuntimeException e) { // the gate's bundle is stopping under us
            LOG.debug("Trust gate did not answer", e);
            return null;
        }
    }

    static TrustSummary summarize(List<Verdict> verdicts, String anchorSubject) {
        int trusted = 0;
        int refused = 0;
        for (Verdict v : verdicts) {
            if (v.trusted()) {
                trusted++;
            } else {
                refused++;
            }
        }
        return new TrustSummary(trusted, refused, anchorSubject);
    }

    private static List<String> listening() {
        try {
            return ListeningSockets.read(PROC);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read listening sockets from /proc", e);
            return List.of();
        }
    }
}
