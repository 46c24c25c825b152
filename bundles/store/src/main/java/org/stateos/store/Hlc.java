package org.stateos.store;

/**
 * A hybrid logical clock value: 48 bits of wall-clock milliseconds since the epoch (good until year 10889)
 * and a 16-bit counter that orders events within one millisecond and carries causality when a remote clock
 * is ahead. Packed big-endian into 64 bits as {@code wallMillis << 16 | counter}; packed values compare as
 * the clock does.
 */
public record Hlc(long wallMillis, int counter) implements Comparable<Hlc> {
    public static final long MAX_WALL = (1L << 48) - 1;
    public static final int MAX_COUNTER = 0xFFFF;
    public static final Hlc ZERO = new Hlc(0, 0);

    public Hlc {
        if (wallMillis < 0 || wallMillis > MAX_WALL) {
            throw new IllegalArgumentException("wall clock " + wallMillis + " outside 48 bits");
        }
        if (counter < 0 || counter > MAX_COUNTER) {
            throw new IllegalArgumentException("counter " + counter + " outside 16 bits");
        }
    }

    public long pack() {
        return wallMillis << 16 | counter;
    }

    public static Hlc unpack(long packed) {
        return new Hlc(packed >>> 16, (int) (packed & 0xFFFF));
    }

    @Override
    public int compareTo(Hlc o) {
        return Long.compareUnsigned(pack(), o.pack());
    }

    @Override
    public String toString() {
        return java.time.Instant.ofEpochMilli(wallMillis) + "+" + counter;
    }
}
