package org.stateos.webrtc.internal.session;

/** {@link SessionConfig} as plain values, so tests can build one. */
public record SessionSettings(int maxPayload, int nackBufferPackets, int nackMaxAgeMs, int senderReportIntervalMs,
        int connectTimeoutSeconds, int maxSessions, int gopCacheFrames, int catchUpPacketsPerMs, int maxOfferBytes,
        int nackMaxRetransmitsPerSecond, int maxConnectingPerAddress, int maxSessionsPerAddress) {

    public static final SessionSettings DEFAULT = new SessionSettings(1200, 512, 1000, 1000, 30, 500, 600, 32, 65536,
            500, 10, 100);

    public static SessionSettings of(SessionConfig c) {
        return new SessionSettings(c.rtp_max_payload_bytes(), c.nack_buffer_packets(), c.nack_max_age_ms(),
                c.sender_report_interval_ms(), c.connect_timeout_seconds(), c.whep_max_sessions(), c.gop_cache_frames(),
                c.catch_up_packets_per_ms(), c.max_offer_bytes(), c.nack_max_retransmits_per_second(),
                c.whep_max_connecting_per_address(), c.whep_max_sessions_per_address());
    }
}
