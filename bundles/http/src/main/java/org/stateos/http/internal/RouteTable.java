package org.stateos.http.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The registered routes in match order. Lookups (on event loops) read an immutable snapshot; changes (on
 * OSGi threads) replace it.
 */
final class RouteTable {
    /** Longest prefix first; at equal prefixes exact before prefix, higher ranking, then older service. */
    static final Comparator<RouteEntry> MATCH_ORDER = Comparator
            .comparingInt((RouteEntry e) -> e.prefix.length()).reversed()
            .thenComparing(e -> !e.exact)
            .thenComparing(Comparator.comparingInt((RouteEntry e) -> e.ranking).reversed())
            .thenComparingLong(e -> e.serviceId);

    record Match(RouteEntry entry, String pathInRoute) {}

    private volatile List<RouteEntry> entries = List.of();

    /** The route for {@code path}, or null. */
    Match match(String path) {
        for (RouteEntry e : entries) {
            String rest = e.match(path);
            if (rest != null) {
                return new Match(e, rest);
            }
        }
        return null;
    }

    /** Replaces {@code old} (may be null) by {@code replacement} (may be null); returns a shadowed route, if any. */
    synchronized RouteEntry replace(RouteEntry old, RouteEntry replacement) {
        List<RouteEntry> next = new ArrayList<>(entries);
        if (old != null) {
            next.remove(old);
        }
        RouteEntry shadowed = null;
        if (replacement != null) {
            for (RouteEntry e : next) {
                if (e.prefix.equals(replacement.prefix) && e.exact == replacement.exact) {
                    shadowed = e;
                }
            }
            next.add(replacement);
        }
        next.sort(MATCH_ORDER);
        entries = List.copyOf(next);
        return shadowed;
    }

    List<RouteEntry> entries() {
        return entries;
    }
}
