package org.stateos.webrtc.internal.session;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The WHEP session keys of etc/org.stateos.webrtc.session.cfg (the transport's keys live in etc/org.stateos.webrtc.cfg). Every default
 * works on a first boot.
 */
@ObjectClassDefinition(id = "org.stateos.webrtc.session", name = "StateOS WebRTC sessions (WHEP)",
        description = "WHEP playback sessions: SDP, RTP packetization, RTCP and pacing.")
public @interface SessionConfig {

    @AttributeDefinition(name = "RTP payload limit (bytes)",
            description = "Largest RTP payload; bigger NAL units are split into FU-A fragments. 1200 keeps packets "
                    + "(with IP, UDP, RTP and SRTP headers) under a 1280-byte IPv6 minimum MTU.", min = "200", max = "8000")
    int rtp_max_payload_bytes() default 1200;

    @AttributeDefinition(name = "Retransmit buffer (packets)",
            description = "Video packets kept per session to answer NACKs (about 1 s at 4 Mbit/s).", min = "16", max = "8192")
    int nack_buffer_packets() default 512;

    @AttributeDefinition(name = "Retransmit age limit (milliseconds)",
            description = "Packets older than this are not resent: the receiver's jitter buffer has given up on them.", min = "50")
    int nack_max_age_ms() default 1000;

    @AttributeDefinition(name = "Retransmit budget (packets per second)",
            description = "NACKed packets resent per session per second at most (a 1 s burst); further requests are "
                    + "refused and counted. 500 is about 4.8 Mbit/s of 1200-byte packets.", min = "1")
    int nack_max_retransmits_per_second() default 500;

    @AttributeDefinition(name = "Sender report interval (milliseconds)", description = "RTCP SR + SDES per SSRC.", min = "100")
    int sender_report_interval_ms() default 1000;

    @AttributeDefinition(name = "Connect timeout (seconds)",
            description = "A session whose ICE and DTLS have not finished this long after the answer is closed.", min = "1")
    int connect_timeout_seconds() default 30;

    @AttributeDefinition(name = "Maximum sessions", description = "Further WHEP offers are answered 503.", min = "1")
    int whep_max_sessions() default 500;

    @AttributeDefinition(name = "Connecting sessions per address",
            description = "WHEP sessions one client address may have that have not connected yet (ICE and DTLS under "
                    + "way); further offers from it are answered 429. A browser connects in well under a second.", min = "1")
    int whep_max_connecting_per_address() default 10;

    @AttributeDefinition(name = "Sessions per address",
            description = "WHEP sessions one client address may have at once, connected or not; further offers from it "
                    + "are answered 429, so one client cannot take every session of the node. Viewers behind one large "
                    + "NAT share an address: raise it there. Loopback clients (the node's own tools) are not limited.",
            min = "1")
    int whep_max_sessions_per_address() default 100;

    @AttributeDefinition(name = "Start-up cache (frames)",
            description = "Video frames (from the latest keyframe) a session keeps while its transport connects.", min = "1")
    int gop_cache_frames() default 600;

    @AttributeDefinition(name = "Catch-up burst (packets per millisecond)",
            description = "Pace of the start-up burst of cached frames, so the socket buffers do not overflow.", min = "1")
    int catch_up_packets_per_ms() default 32;

    @AttributeDefinition(name = "Maximum offer (bytes)", description = "Larger SDP offers are refused with 400.", min = "1024")
    int max_offer_bytes() default 65536;
}
