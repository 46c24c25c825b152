package org.stateos.loadclient;

/**
 * One viewer's figures. Times in ms from the 201 Created (-1: never); bytes are SRTP datagram bytes as received;
 * loss counts are RTP packets (RFC 3550: expected minus received, so NACK-repaired packets are not lost; gaps
 * are the packets missing when a later one arrived); jitter is RFC 3550 interarrival jitter in ms.
 */
public record ViewerResult(int index, String state, String failure, double setupMs, double keyframeWaitMs,
        double seconds, long videoPackets, long videoBytes, long videoExpected, long videoLost, long videoGaps,
        long videoReordered, double videoJitterMs, long idrFrames, long audioPackets, long audioBytes, long audioLost,
        double audioJitterMs, long nacks, long nackedPackets, long rtcpSent, long srtpErrors, long srtcpErrors,
        String lastCryptoError, long otherPackets,
        String srtpProfile) {

    public long packets() {
        return videoPackets + audioPackets;
    }

    public long bytes() {
        return videoBytes + audioBytes;
    }

    public double packetsPerSecond() {
        return seconds <= 0 ? 0 : packets() / seconds;
    }

    public double kbps() {
        return seconds <= 0 ? 0 : bytes() * 8 / seconds / 1000;
    }

    public double videoLossPercent() {
        return videoExpected == 0 ? 0 : 100.0 * videoLost / videoExpected;
    }

    public boolean receiving() {
        return videoPackets + audioPackets > 0;
    }
}
