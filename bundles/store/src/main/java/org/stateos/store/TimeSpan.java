package org.stateos.store;

/** A half-open time range [startMicros, endMicros) in microseconds of a track's timeline. */
public record TimeSpan(long startMicros, long endMicros) implements Comparable<TimeSpan> {
    public TimeSpan {
        if (endMicros <= startMicros) {
            throw new IllegalArgumentException("time span [" + startMicros + ", " + endMicros + ") is empty");
        }
    }

    public long durationMicros() {
        return endMicros - startMicros;
    }

    public boolean overlaps(long fromMicros, long toMicros) {
        return startMicros < toMicros && endMicros > fromMicros;
    }

    @Override
    public int compareTo(TimeSpan o) {
        int c = Long.compare(startMicros, o.startMicros);
        return c != 0 ? c : Long.compare(endMicros, o.endMicros);
    }
}
