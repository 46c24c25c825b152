package org.stateos.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.stateos.store.RetentionClass;
import org.stateos.store.UnitId;

class EvictionPolicyTest {
    private static final long NOW = 1_000_000;

    private static EvictionPolicy.Candidate c(String name, long bytes, RetentionClass cls, long window, long created,
                                              long used) {
        return new EvictionPolicy.Candidate(UnitId.of(name.getBytes()), bytes, cls, window, created, used);
    }

    private static List<String> names(List<EvictionPolicy.Candidate> list, List<EvictionPolicy.Candidate> all) {
        return list.stream().map(x -> {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(x.id())) {
                    return "u" + i;
                }
            }
            return "?";
        }).toList();
    }

    @Test
    void neverEvictsPinnedNorNormalWithinQuota() {
        List<EvictionPolicy.Candidate> all = List.of(
                c("p", 100, RetentionClass.PINNED, 0, 0, 0),
                c("n", 100, RetentionClass.NORMAL, 0, 0, 0));
        assertTrue(EvictionPolicy.evictable(all, Map.of(), NOW, id -> false, Set.of()).isEmpty());
        EvictionPolicy.Plan plan = EvictionPolicy.plan(all, Map.of(), NOW, id -> false, Set.of(), 50);
        assertFalse(plan.satisfied());
    }

    @Test
    void cacheUnitsGoEvenWhenLastCopyOthersDoNot() {
        List<EvictionPolicy.Candidate> all = List.of(
                c("c", 100, RetentionClass.CACHE, 0, 0, 0),
                c("n", 100, RetentionClass.NORMAL, 0, 0, 0));
        Map<RetentionClass, Long> q = Map.of(RetentionClass.NORMAL, 10L);   // normal is over quota
        assertEquals(List.of("u0"), names(EvictionPolicy.evictable(all, q, NOW, id -> true, Set.of()), all));
        assertEquals(Set.of("u0", "u1"), Set.copyOf(names(EvictionPolicy.evictable(all, q, NOW, id -> false, Set.of()), all)));
    }

    @Test
    void overQuotaOnlyTheOldestOfTheClassBecomeEvictable() {
        List<EvictionPolicy.Candidate> all = List.of(
                c("d0", 100, RetentionClass.DVR, 10 * NOW, 10, 900),
                c("d1", 100, RetentionClass.DVR, 10 * NOW, 20, 100),
                c("d2", 100, RetentionClass.DVR, 10 * NOW, 30, 50),
                c("n0", 100, RetentionClass.NORMAL, 0, 5, 0));
        Map<RetentionClass, Long> q = Map.of(RetentionClass.DVR, 150L);   // 300 held: the oldest 150+ go
        // d0 and d1 are the oldest two; among them the least recently used (d1) goes first
        assertEquals(List.of("u1", "u0"), names(EvictionPolicy.evictable(all, q, NOW, id -> false, Set.of()), all));
        assertEquals(List.of("u1"), names(EvictionPolicy.plan(all, q, NOW, id -> false, Set.of(), 100).victims(), all));
    }

    @Test
    void dvrOlderThanItsWindowIsEvictable() {
        List<EvictionPolicy.Candidate> all = List.of(
                c("old", 100, RetentionClass.DVR, 1000, NOW - 2000, NOW),
                c("new", 100, RetentionClass.DVR, 1000, NOW - 500, 0));
        assertEquals(List.of("u0"), names(EvictionPolicy.evictable(all, Map.of(), NOW, id -> false, Set.of()), all));
        // ... but not while it is the last known copy
        assertTrue(EvictionPolicy.evictable(all, Map.of(), NOW, id -> true, Set.of()).isEmpty());
    }

    @Test
    void leastRecentlyUsedFirstAndCurrentHeadsNever() {
        List<EvictionPolicy.Candidate> all = List.of(
                c("a", 10, RetentionClass.CACHE, 0, 0, 300),
                c("b", 10, RetentionClass.CACHE, 0, 0, 100),
                c("c", 10, RetentionClass.CACHE, 0, 0, 200),
                c("h", 10, RetentionClass.CACHE, 0, 0, 0));
        Set<UnitId> heads = Set.of(all.get(3).id());
        assertEquals(List.of("u1", "u2", "u0"), names(EvictionPolicy.evictable(all, Map.of(), NOW, id -> false, heads), all));
        EvictionPolicy.Plan p = EvictionPolicy.plan(all, Map.of(), NOW, id -> false, heads, 15);
        assertEquals(List.of("u1", "u2"), names(p.victims(), all));
        assertEquals(20, p.bytes());
        assertTrue(p.satisfied());
    }

    @Test
    void pinnedQuotaIsCheckedAtPut() {
        assertTrue(EvictionPolicy.pinnedFits(0, 100, Map.of()));
        assertTrue(EvictionPolicy.pinnedFits(50, 50, Map.of(RetentionClass.PINNED, 100L)));
        assertFalse(EvictionPolicy.pinnedFits(51, 50, Map.of(RetentionClass.PINNED, 100L)));
    }
}
