package org.stateos.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.store.Coverage;
import org.stateos.store.IndexEntry;
import org.stateos.store.MalformedUnitException;
import org.stateos.store.TimeIndex;
import org.stateos.store.TimeSpan;
import org.stateos.store.UnitId;
import org.stateos.store.internal.log.RecordLog;

/**
 * The time index: in memory per track (a sorted map of spans), persisted as one log record per entry.
 * Record kind {@link RecordKinds#TIME_INDEX}; key = SHA-256(track id UTF-8) (32 bytes) + start (8, big-endian)
 * + end (8); value v1 = {@code 0x01, varint trackLength, track UTF-8, unit multihash (34)}.
 */
final class TimeIndexImpl implements TimeIndex {
    private static final Logger LOG = LoggerFactory.getLogger(TimeIndexImpl.class);
    private final RecordLog log;
    private final Map<String, Track> tracks = new HashMap<>();

    private static final class Track {
        final TreeMap<TimeSpan, UnitId> spans = new TreeMap<>();
        long maxDuration;
    }

    TimeIndexImpl(RecordLog log) {
        this.log = log;
    }

    /** Reads every entry from the log (at open). */
    void load() {
        List<byte[]> keys = new ArrayList<>();
        log.forEachKey(RecordKinds.TIME_INDEX, keys::add);
        for (byte[] key : keys) {
            try {
                ByteBuffer v = log.read(RecordKinds.TIME_INDEX, key);
                if (v == null) {
                    continue;
                }
                Bytes.In in = new Bytes.In(Bytes.toArray(v), "time index entry");
                int version = in.u8();
                if (version != 1) {
                    throw in.error("version " + version);
                }
                String track = in.utf8(MAX_TRACK_BYTES);
                UnitId unit = in.unitId();
                in.end();
                ByteBuffer k = ByteBuffer.wrap(key);
                k.position(32);
                TimeSpan span = new TimeSpan(k.getLong(), k.getLong());
                put(track, span, unit);
            } catch (IOException | RuntimeException e) {
                LOG.warn("time index entry skipped: {}", e.toString());
            }
        }
    }

    static void checkTrack(String trackId) {
        if (trackId == null || trackId.isEmpty()) {
            throw new IllegalArgumentException("a track id is not empty");
        }
        byte[] b = trackId.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_TRACK_BYTES) {
            throw new IllegalArgumentException("track id of " + b.length + " bytes, at most " + MAX_TRACK_BYTES);
        }
        for (int i = 0; i < trackId.length(); i++) {
            char c = trackId.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
                throw new IllegalArgumentException("track id contains character U+" + String.format("%04X", (int) c));
            }
        }
    }

    static byte[] key(String trackId, TimeSpan span) {
        ByteBuffer k = ByteBuffer.allocate(48);
        k.put(Bytes.sha256(Bytes.utf8(trackId))).putLong(span.startMicros()).putLong(span.endMicros());
        return k.array();
    }

    @Override
    public CompletionStage<Void> add(String trackId, long startMicros, long endMicros, UnitId unit) {
        checkTrack(trackId);
        TimeSpan span = new TimeSpan(startMicros, endMicros);
        if (unit == null) {
            throw new IllegalArgumentException("an index entry names a unit");
        }
        ByteBuffer value = new Bytes.Out(64).u8(1).lengthPrefixed(Bytes.utf8(trackId)).unitId(unit).buffer();
        return log.append(RecordKinds.TIME_INDEX, key(trackId, span), value)
                .thenRun(() -> put(trackId, span, unit));
    }

    @Override
    public CompletionStage<Boolean> remove(String trackId, long startMicros, long endMicros) {
        checkTrack(trackId);
        TimeSpan span = new TimeSpan(startMicros, endMicros);
        synchronized (this) {
            Track t = tracks.get(trackId);
            if (t == null || !t.spans.containsKey(span)) {
                return CompletableFuture.completedFuture(false);
            }
        }
        return log.delete(RecordKinds.TIME_INDEX, key(trackId, span)).thenApply(v -> {
            synchronized (this) {
                Track t = tracks.get(trackId);
                if (t == null || t.spans.remove(span) == null) {
                    return false;
                }
                if (t.spans.isEmpty()) {
                    tracks.remove(trackId);
                }
                return true;
            }
        });
    }

    private synchronized void put(String trackId, TimeSpan span, UnitId unit) {
        Track t = tracks.computeIfAbsent(trackId, k -> new Track());
        t.spans.put(span, unit);
        t.maxDuration = Math.max(t.maxDuration, span.durationMicros());
    }

    @Override
    public synchronized List<IndexEntry> query(String trackId, long fromMicros, long toMicros) {
        List<IndexEntry> out = new ArrayList<>();
        Track t = tracks.get(trackId);
        if (t == null || toMicros <= fromMicros) {
            return out;
        }
        // Only entries starting after (from - longest entry) can reach into [from, to).
        long low = fromMicros - t.maxDuration;
        NavigableMap<TimeSpan, UnitId> range = low > fromMicros   // overflow guard
                ? t.spans : t.spans.tailMap(new TimeSpan(low, low + 1), true);
        for (Map.Entry<TimeSpan, UnitId> e : range.entrySet()) {
            TimeSpan s = e.getKey();
            if (s.startMicros() >= toMicros) {
                break;
            }
            if (s.overlaps(fromMicros, toMicros)) {
                out.add(new IndexEntry(s, e.getValue()));
            }
        }
        return out;
    }

    @Override
    public Coverage coverage(String trackId, long fromMicros, long toMicros) {
        return coverage(new TimeSpan(fromMicros, toMicros), query(trackId, fromMicros, toMicros));
    }

    /** Merges the entries' spans (clipped to {@code asked}) and lists what is left uncovered. Pure. */
    static Coverage coverage(TimeSpan asked, List<IndexEntry> entries) {
        List<TimeSpan> covered = new ArrayList<>();
        List<TimeSpan> gaps = new ArrayList<>();
        long cursor = asked.startMicros();
        long curStart = Long.MIN_VALUE;
        long curEnd = Long.MIN_VALUE;
        List<TimeSpan> spans = new ArrayList<>();
        for (IndexEntry e : entries) {
            spans.add(e.span());
        }
        spans.sort(null);
        for (TimeSpan s : spans) {
            long a = Math.max(s.startMicros(), asked.startMicros());
            long b = Math.min(s.endMicros(), asked.endMicros());
            if (b <= a) {
                continue;
            }
            if (curEnd != Long.MIN_VALUE && a <= curEnd) {
                curEnd = Math.max(curEnd, b);
                cursor = curEnd;
                continue;
            }
            if (curEnd != Long.MIN_VALUE) {
                covered.add(new TimeSpan(curStart, curEnd));
            }
            if (a > cursor) {
                gaps.add(new TimeSpan(cursor, a));
            }
            curStart = a;
            curEnd = b;
            cursor = b;
        }
        if (curEnd != Long.MIN_VALUE) {
            covered.add(new TimeSpan(curStart, curEnd));
            cursor = curEnd;
        }
        if (cursor < asked.endMicros()) {
            gaps.add(new TimeSpan(cursor, asked.endMicros()));
        }
        return new Coverage(asked, covered, gaps);
    }

    @Override
    public synchronized Set<String> tracks() {
        return new TreeSet<>(tracks.keySet());
    }

    @Override
    public synchronized long size() {
        long n = 0;
        for (Track t : tracks.values()) {
            n += t.spans.size();
        }
        return n;
    }

    /** Every entry, for fsck. */
    synchronized List<IndexEntry> all() {
        List<IndexEntry> out = new ArrayList<>();
        for (Track t : tracks.values()) {
            t.spans.forEach((s, u) -> out.add(new IndexEntry(s, u)));
        }
        return out;
    }

    synchronized void clear() {
        tracks.clear();
    }

}
