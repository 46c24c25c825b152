package org.stateos.loadclient;

/**
 * Reception statistics of one RTP source as RFC 3550 defines them: extended highest sequence number (16-bit
 * wrap counted in cycles, A.1), expected and lost packets (A.3), the fraction lost per report interval, and the
 * interarrival jitter (A.8). Also the sequence numbers missing right now, for NACK. One thread only.
 */
public final class RtpReceiveStats {
    /** Missing sequence numbers remembered for NACK; a burst larger than this is counted lost, not NACKed. */
    static final int MAX_MISSING = 256;

    private final int clockRate;
    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private long bytes;
    private long gaps;
    private long reordered;
    private long expectedPrior;
    private long receivedPrior;
    private long lastTransit;
    private double jitter;
    private final int[] missing = new int[MAX_MISSING];
    private int missingCount;

    public RtpReceiveStats(int clockRate) {
        this.clockRate = clockRate;
    }

    /**
     * Accounts one packet.
     *
     * @param seq         its 16-bit sequence number
     * @param timestamp   its RTP timestamp
     * @param arrivalNanos its arrival time (any monotonic clock)
     * @param payloadBytes bytes counted for throughput
     */
    public void onPacket(int seq, int timestamp, long arrivalNanos, int payloadBytes) {
        received++;
        bytes += payloadBytes;
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
            lastTransit = transit(timestamp, arrivalNanos);
            return;
        }
        int delta = (seq - maxSeq) & 0xFFFF;
        if (delta == 0 || delta >= 0x8000) {
            reordered++; // older than the highest: late, duplicate or a retransmission
            removeMissing(seq);
            return;
        }
        if (seq < maxSeq) {
            cycles += 0x10000;
        }
        for (int i = 1; i < delta; i++) {
            gaps++;
            addMissing((maxSeq + i) & 0xFFFF);
        }
        maxSeq = seq;
        long transit = transit(timestamp, arrivalNanos);
        long d = Math.abs(transit - lastTransit);
        lastTransit = transit;
        jitter += (d - jitter) / 16.0;
    }

    /** Arrival in RTP clock units minus the RTP timestamp (wraps harmlessly: only differences are used). */
    private long transit(int timestamp, long arrivalNanos) {
        long arrival = (long) (arrivalNanos * (clockRate / 1e9));
        return (int) (arrival - Integer.toUnsignedLong(timestamp));
    }

    private void addMissing(int seq) {
        if (missingCount < MAX_MISSING) {
            missing[missingCount++] = seq;
        }
    }

    private void removeMissing(int seq) {
        for (int i = 0; i < missingCount; i++) {
            if (missing[i] == seq) {
                missing[i] = missing[--missingCount];
                return;
            }
        }
    }

    /** Takes the sequence numbers missing now (for one NACK) and forgets them: each gap is asked for once. */
    public int[] takeMissing() {
        int[] out = java.util.Arrays.copyOf(missing, missingCount);
        missingCount = 0;
        return out;
    }

    public boolean started() {
        return started;
    }

    public long extendedHighest() {
        return cycles + maxSeq;
    }

    public long expected() {
        return started ? extendedHighest() - baseSeq + 1 : 0;
    }

    public long received() {
        return received;
    }

    public long bytes() {
        return bytes;
    }

    /** RFC 3550 cumulative lost: expected minus received (late and retransmitted packets count as received). */
    public long lost() {
        return Math.max(0, expected() - received);
    }

    /** Packets seen missing when a later one arrived (before any retransmission). */
    public long gaps() {
        return gaps;
    }

    public long reordered() {
        return reordered;
    }

    /** Jitter in RTP timestamp units, as a report block carries it. */
    public long jitterUnits() {
        return (long) jitter;
    }

    public double jitterMillis() {
        return jitter * 1000.0 / clockRate;
    }

    /** RFC 3550 A.3: the fraction lost since the previous call, 8-bit fixed point; advances the interval. */
    public int fractionLostAndAdvance() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        return expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
    }

    public int clockRate() {
        return clockRate;
    }
}
