package org.stateos.trust.internal;

import java.util.Collection;

import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The resolver hook: removes every candidate revision the gate does not allow, so it never resolves and none of its
 * code runs. Stateless per resolve, so {@link #begin} hands out this same object.
 */
final class GateResolverHook implements ResolverHookFactory, ResolverHook {

    private final Gate gate;

    GateResolverHook(Gate gate) {
        this.gate = gate;
    }

    Gate gate() {
        return gate;
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return this;
    }

    @Override
    public void filterResolvable(Collection<BundleRevision> candidates) {
        candidates.removeIf(revision -> !gate.allows(revision));
    }

    /**
     * Defence in depth: never wire to a capability of an unresolved revision the gate refuses. A resolved revision
     * passed this hook already (refused bundles resolved before the gate existed are refreshed at start).
     */
    @Override
    public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
        candidates.removeIf(capability -> capability.getRevision().getWiring() == null
                && !gate.allows(capability.getRevision()));
    }

    @Override
    public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisions) {
        // the gate has no opinion on singletons
    }

    @Override
    public void end() {
        // nothing held per resolve
    }
}
