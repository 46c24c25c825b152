package org.stateos.store;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Media tracks' time index: (track, time span) to the unit holding it, so a player can seek and replay.
 * Persisted through the store's log: an acknowledged add survives a restart. Spans are half-open,
 * in microseconds; a track id is 1..{@value #MAX_TRACK_BYTES} UTF-8 bytes without control characters.
 * Adding the same (track, start, end) again replaces the unit (a re-packaged fragment).
 */
public interface TimeIndex {
    int MAX_TRACK_BYTES = 128;

    /** Completes once the entry is durable. */
    CompletionStage<Void> add(String trackId, long startMicros, long endMicros, UnitId unit);

    /** Removes the entry with exactly this span, durably; completes with false when there was none. */
    CompletionStage<Boolean> remove(String trackId, long startMicros, long endMicros);

    /** Entries overlapping [fromMicros, toMicros), ordered by start, then end. */
    List<IndexEntry> query(String trackId, long fromMicros, long toMicros);

    /** What of [fromMicros, toMicros) the entries cover, and the gaps. */
    Coverage coverage(String trackId, long fromMicros, long toMicros);

    Set<String> tracks();

    /** Entries in all tracks. */
    long size();
}
