package org.stateos.trust.internal;

import java.util.Collection;
import java.util.Set;

import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The resolver hook: a revision the gate refuses never resolves, so none of its code runs.
 *
 * <p>How, given a bug in Felix 7.0.5 (StatefulResolver.prepareResolverHooks / findProvidersInternal): once a hook
 * removes ANY revision in {@code filterResolvable}, Felix keeps a whitelist of the remaining UNRESOLVED revisions and
 * then drops every provider capability whose revision is not on it, including those of resolved bundles such as the
 * system bundle. So while one refused bundle lies installed, removing it from every resolve would make every other
 * bundle that imports anything (org.osgi.framework...) unresolvable. Hence two rules:
 * <ul>
 *   <li>{@code filterMatches}: a refused unresolved requirer gets no candidate for any requirement (it cannot resolve,
 *       nor attach as a fragment: Felix offers fragments on demand and matches their host requirement here), and a
 *       refused unresolved revision is never offered as a provider (it is never pulled in as a dependency);</li>
 *   <li>{@code filterResolvable}: when a TRIGGER of this resolve is refused, every refused candidate is removed, for
 *       a refused bundle with no requirement at all would otherwise resolve (and Felix runs an activator's constructor
 *       before it checks the type). Trusted triggers of that same batch may then fail to wire to resolved providers
 *       (the Felix bug); each resolves when it is started or resolved on its own.</li>
 * </ul>
 * A resolved revision passed this hook already (refused bundles resolved before the gate existed are refreshed at
 * start), so resolved providers are never filtered.
 */
final class GateResolverHook implements ResolverHookFactory {

    private final Gate gate;

    GateResolverHook(Gate gate) {
        this.gate = gate;
    }

    Gate gate() {
        return gate;
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new Hook(Set.copyOf(triggers));
    }

    private boolean refusedUnresolved(BundleRevision revision) {
        return revision != null && revision.getWiring() == null && !gate.allows(revision);
    }

    /** One resolve operation. */
    private final class Hook implements ResolverHook {
        private final Set<BundleRevision> triggers;

        Hook(Set<BundleRevision> triggers) {
            this.triggers = triggers;
        }

        @Override
        public void filterResolvable(Collection<BundleRevision> candidates) {
            boolean refusedTrigger = false;
            for (BundleRevision trigger : triggers) {
                refusedTrigger |= refusedUnresolved(trigger);
            }
            if (refusedTrigger) {
                candidates.removeIf(GateResolverHook.this::refusedUnresolved);
            }
        }

        @Override
        public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
            if (refusedUnresolved(requirement.getRevision())) {
                candidates.clear();
            } else {
                candidates.removeIf(capability -> refusedUnresolved(capability.getRevision()));
            }
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
}
