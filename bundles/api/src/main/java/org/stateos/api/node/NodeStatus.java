package org.stateos.api.node;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the node as an operator sees it (esr:status, GET /api/status).
 *
 * @param bundlesByState bundle counts keyed by state name (ACTIVE, RESOLVED, INSTALLED, ...)
 * @param trust          counts of verdicts of the signature gate, or null when the gate is not running
 * @param listening      the sockets this process listens on, read from the kernel, e.g. "tcp 0.0.0.0:8080"
 */
public record NodeStatus(
        NodeId nodeId,
        String firmwareVersion,
        Instant startedAt,
        Duration uptime,
        Map<String, Integer> bundlesByState,
        TrustSummary trust,
        List<String> listening) {

    public NodeStatus {
        bundlesByState = Map.copyOf(bundlesByState);
        listening = List.copyOf(listening);
    }

    /** Verdicts of the signature gate: bundles that passed, bundles refused. */
    public record TrustSummary(int trusted, int refused, String anchorSubject) {}
}
