package org.stateos.store.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.stateos.store.RetentionClass;
import org.stateos.store.UnitId;

/**
 * Which units may go, and which go first. Pure functions over a snapshot, so the rules are tested without a
 * device.
 *
 * <p>Evictable:
 * <ul>
 *   <li>PINNED: never.</li>
 *   <li>CACHE: always (re-fetchable by definition), even when the oracle calls it the last known copy.</li>
 *   <li>DVR: once older than its window; and the oldest beyond the class quota.</li>
 *   <li>NORMAL: the oldest beyond the class quota.</li>
 *   <li>Never a unit that is a current head of an object, and (CACHE aside) never one the replica oracle says
 *       is the last known copy.</li>
 * </ul>
 * Among the evictable, the least recently used go first (ties: oldest, then id order, so plans are
 * reproducible).
 */
final class EvictionPolicy {
    private EvictionPolicy() {}

    /** What the policy needs to know of a unit. Times in epoch milliseconds. */
    record Candidate(UnitId id, long bytes, RetentionClass retentionClass, long windowMillis, long createdMillis,
                     long lastAccessMillis) {}

    record Plan(List<Candidate> victims, long bytes, long bytesWanted) {
        boolean satisfied() {
            return bytes >= bytesWanted;
        }
    }

    private static final Comparator<Candidate> OLDEST_FIRST = Comparator.comparingLong(Candidate::createdMillis)
            .thenComparing(Candidate::id);
    private static final Comparator<Candidate> LRU = Comparator.comparingLong(Candidate::lastAccessMillis)
            .thenComparingLong(Candidate::createdMillis).thenComparing(Candidate::id);

    /**
     * The evictable units, least recently used first.
     *
     * @param quotas   bytes per class; absent or 0 = no quota
     * @param lastCopy true for a unit no other node is known to hold
     * @param heads    units that are current heads
     */
    static List<Candidate> evictable(Collection<Candidate> units, Map<RetentionClass, Long> quotas, long nowMillis,
                                     Predicate<UnitId> lastCopy, Set<UnitId> heads) {
        Map<RetentionClass, List<Candidate>> byClass = new EnumMap<>(RetentionClass.class);
        for (Candidate c : units) {
            byClass.computeIfAbsent(c.retentionClass(), k -> new ArrayList<>()).add(c);
        }
        List<Candidate> out = new ArrayList<>();
        for (Map.Entry<RetentionClass, List<Candidate>> e : byClass.entrySet()) {
            RetentionClass cls = e.getKey();
            if (cls == RetentionClass.PINNED) {
                continue;
            }
            List<Candidate> list = e.getValue();
            list.sort(OLDEST_FIRST);
            long total = list.stream().mapToLong(Candidate::bytes).sum();
            long quota = quotas.getOrDefault(cls, 0L);
            long excess = quota > 0 ? total - quota : 0;
            long taken = 0;
            for (Candidate c : list) {
                boolean overQuota = taken < excess;
                if (overQuota) {
                    taken += c.bytes();
                }
                boolean ok = switch (cls) {
                    case CACHE -> true;
                    case DVR -> overQuota || nowMillis - c.createdMillis() > c.windowMillis();
                    case NORMAL -> overQuota;
                    case PINNED -> false;
                };
                if (!ok || heads.contains(c.id())) {
                    continue;
                }
                if (cls != RetentionClass.CACHE && lastCopy.test(c.id())) {
                    continue;
                }
                out.add(c);
            }
        }
        out.sort(LRU);
        return out;
    }

    /** The least recently used evictable units that free at least {@code bytesWanted}, or all there are. */
    static Plan plan(Collection<Candidate> units, Map<RetentionClass, Long> quotas, long nowMillis,
                     Predicate<UnitId> lastCopy, Set<UnitId> heads, long bytesWanted) {
        List<Candidate> victims = new ArrayList<>();
        long bytes = 0;
        for (Candidate c : evictable(units, quotas, nowMillis, lastCopy, heads)) {
            if (bytes >= bytesWanted) {
                break;
            }
            victims.add(c);
            bytes += c.bytes();
        }
        return new Plan(List.copyOf(victims), bytes, bytesWanted);
    }

    /**
     * Whether a PINNED put of {@code bytes} fits the PINNED quota: pinned units cannot be evicted, so their quota
     * is enforced when they are written.
     */
    static boolean pinnedFits(long pinnedBytes, long bytes, Map<RetentionClass, Long> quotas) {
        long quota = quotas.getOrDefault(RetentionClass.PINNED, 0L);
        return quota <= 0 || pinnedBytes + bytes <= quota;
    }
}
