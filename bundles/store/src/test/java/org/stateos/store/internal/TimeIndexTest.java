package org.stateos.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.stateos.store.Coverage;
import org.stateos.store.IndexEntry;
import org.stateos.store.TimeSpan;
import org.stateos.store.UnitId;

class TimeIndexTest {
    private final MemoryRecordLog log = new MemoryRecordLog();
    private final TimeIndexImpl index = new TimeIndexImpl(log);
    private final UnitId a = UnitId.of(new byte[] {1});
    private final UnitId b = UnitId.of(new byte[] {2});
    private final UnitId c = UnitId.of(new byte[] {3});
    private final UnitId d = UnitId.of(new byte[] {4});

    private void add(long s, long e, UnitId u) {
        index.add("t", s, e, u).toCompletableFuture().join();
    }

    @Test
    void queryReturnsOverlappingEntriesInOrder() {
        add(4_000, 6_000, c);
        add(0, 2_000, a);
        add(2_000, 4_000, b);
        add(10_000, 12_000, d);
        List<UnitId> got = index.query("t", 1_999, 4_001).stream().map(IndexEntry::unit).toList();
        assertEquals(List.of(a, b, c), got);
        assertEquals(List.of(), index.query("t", 6_000, 10_000));                 // half-open: touching is not overlap
        assertEquals(List.of(), index.query("other", 0, 100_000));
        // a long entry that starts well before the question is found too
        add(-100_000, 100_000, d);
        assertEquals(d, index.query("t", 7_000, 8_000).get(0).unit());
    }

    @Test
    void coverageMergesAndListsGaps() {
        add(0, 2_000, a);
        add(1_500, 3_000, b);   // overlaps a
        add(5_000, 6_000, c);
        Coverage cov = index.coverage("t", 1_000, 8_000);
        assertEquals(List.of(new TimeSpan(1_000, 3_000), new TimeSpan(5_000, 6_000)), cov.covered());
        assertEquals(List.of(new TimeSpan(3_000, 5_000), new TimeSpan(6_000, 8_000)), cov.gaps());
        assertEquals(3_000, cov.coveredMicros());
        assertTrue(index.coverage("t", 0, 3_000).complete());
        assertEquals(List.of(new TimeSpan(0, 10)), index.coverage("none", 0, 10).gaps());
    }

    @Test
    void sameSpanReplacesUnitAndPersists() {
        add(0, 1_000, a);
        add(0, 1_000, b);
        assertEquals(List.of(b), index.query("t", 0, 1_000).stream().map(IndexEntry::unit).toList());
        TimeIndexImpl again = new TimeIndexImpl(log);
        again.load();
        assertEquals(1, again.size());
        assertEquals(b, again.query("t", 0, 1).get(0).unit());
    }

    @Test
    void refusesEmptySpansAndBadTrackIds() {
        assertThrows(IllegalArgumentException.class, () -> index.add("t", 5, 5, a));
        assertThrows(IllegalArgumentException.class, () -> index.add("", 0, 5, a));
        assertThrows(IllegalArgumentException.class, () -> index.add("t\n", 0, 5, a));
        assertThrows(IllegalArgumentException.class, () -> index.add("x".repeat(129), 0, 5, a));
    }
}
