package org.stateos.media.internal.registry;

/**
 * Bytes and frames over a sliding window of {@value #BUCKETS} buckets. Not thread-safe: the stream's lock
 * guards it.
 */
final class RateMeter {
    static final int BUCKETS = 10;
    private final long bucketMicros;
    private final long[] bytes = new long[BUCKETS];
    private final long[] frames = new long[BUCKETS];
    private long currentBucket = Long.MIN_VALUE;
    private long firstMicros = Long.MIN_VALUE;

    RateMeter(long windowMicros) {
        this.bucketMicros = Math.max(1, windowMicros / BUCKETS);
    }

    void add(long nowMicros, int size) {
        advance(nowMicros);
        if (firstMicros == Long.MIN_VALUE) {
            firstMicros = nowMicros;
        }
        int i = (int) Math.floorMod(currentBucket, BUCKETS);
        bytes[i] += size;
        frames[i]++;
    }

    private void advance(long nowMicros) {
        long b = Math.floorDiv(nowMicros, bucketMicros);
        if (currentBucket == Long.MIN_VALUE || b - currentBucket >= BUCKETS) {
            java.util.Arrays.fill(bytes, 0);
            java.util.Arrays.fill(frames, 0);
        } else {
            for (long k = currentBucket + 1; k <= b; k++) {
                int i = (int) Math.floorMod(k, BUCKETS);
                bytes[i] = 0;
                frames[i] = 0;
            }
        }
        if (currentBucket == Long.MIN_VALUE || b > currentBucket) {
            currentBucket = b;
        }
    }

    /** The span the window covers now: the whole window, or less while the track is younger than it. */
    private long spanMicros(long nowMicros) {
        long window = bucketMicros * BUCKETS;
        if (firstMicros == Long.MIN_VALUE) {
            return window;
        }
        return Math.max(bucketMicros, Math.min(window, nowMicros - firstMicros));
    }

    long bitsPerSecond(long nowMicros) {
        advance(nowMicros);
        long sum = 0;
        for (long b : bytes) {
            sum += b;
        }
        return sum * 8 * 1_000_000 / spanMicros(nowMicros);
    }

    double framesPerSecond(long nowMicros) {
        advance(nowMicros);
        long sum = 0;
        for (long f : frames) {
            sum += f;
        }
        return sum * 1_000_000.0 / spanMicros(nowMicros);
    }
}
