package org.stateos.store;

import java.util.List;

/**
 * How much of {@code asked} a track's index covers: {@code covered} are the merged spans (clipped to the
 * question), {@code gaps} the rest; both in time order.
 */
public record Coverage(TimeSpan asked, List<TimeSpan> covered, List<TimeSpan> gaps) {
    public Coverage {
        covered = List.copyOf(covered);
        gaps = List.copyOf(gaps);
    }

    public boolean complete() {
        return gaps.isEmpty();
    }

    public long coveredMicros() {
        return covered.stream().mapToLong(TimeSpan::durationMicros).sum();
    }
}
