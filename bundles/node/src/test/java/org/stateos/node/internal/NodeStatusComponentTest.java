package org.stateos.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.stateos.api.node.NodeStatus.TrustSummary;
import org.stateos.trust.TrustGate;
import org.stateos.trust.Verdict;

class NodeStatusComponentTest {

    private static Bundle bundleIn(int state) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getState")) {
                        return state;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Verdict verdict(long id, boolean trusted) {
        return new Verdict(id, "b" + id, "1.0.0", "00", trusted, "CN=Vendor", trusted ? "signed by the vendor" : "unsigned",
                Instant.EPOCH);
    }

    @Test
    void countsBundlesByStateName() {
        Bundle[] bundles = {bundleIn(Bundle.ACTIVE), bundleIn(Bundle.ACTIVE), bundleIn(Bundle.RESOLVED),
                bundleIn(Bundle.INSTALLED)};
        assertEquals(Map.of("ACTIVE", 2, "RESOLVED", 1, "INSTALLED", 1), NodeStatusComponent.bundlesByState(bundles));
    }

    @Test
    void summarizesTheGatesVerdicts() {
        TrustSummary t = NodeStatusComponent.summarize(
                List.of(verdict(0, true), verdict(1, true), verdict(7, false)), "CN=StateOS Vendor");
        assertEquals(new TrustSummary(2, 1, "CN=StateOS Vendor"), t);
    }

    @Test
    void noGateIsNoSummaryRatherThanZeroes() {
        assertNull(NodeStatusComponent.trust(null));
    }

    @Test
    void aGateThatFailsWhileStoppingCountsAsNotRunning() {
        TrustGate stopping = new TrustGate() {
            @Override public List<Verdict> verdicts() { throw new IllegalStateException("stopping"); }
            @Override public List<Verdict> refusals() { return List.of(); }
            @Override public X509Certificate anchor() { return null; }
        };
        assertNull(NodeStatusComponent.trust(stopping));
    }

    @Test
    void firmwareVersionComesFromTheAssemblyElseFromTheBundle() {
        assertEquals("1.2.0", FirmwareVersion.of("1.2.0", "0.1.0.SNAPSHOT"));
        assertEquals("0.1.0.SNAPSHOT", FirmwareVersion.of(" ", "0.1.0.SNAPSHOT"));
        assertEquals("0.1.0.SNAPSHOT", FirmwareVersion.of(null, "0.1.0.SNAPSHOT"));
    }
}
