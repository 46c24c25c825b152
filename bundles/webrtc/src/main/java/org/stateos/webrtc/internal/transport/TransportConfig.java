package org.stateos.webrtc.internal.transport;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The WebRTC transport's keys in etc/org.stateos.webrtc.cfg. Every default works on a first boot. */
@ObjectClassDefinition(id = TransportConfig.PID, name = "StateOS WebRTC transport",
        description = "ICE-lite, DTLS-SRTP and SRTP on the node's one WebRTC UDP port.")
public @interface TransportConfig {
    String PID = "org.stateos.webrtc";

    @AttributeDefinition(name = "UDP port", description = "The one UDP port every WebRTC session uses.", min = "1", max = "65535")
    int port() default 8189;

    @AttributeDefinition(name = "Bind address", description = "Address the UDP port binds; 0.0.0.0 for every IPv4 address, :: for every address.")
    String bind_address() default "0.0.0.0";

    @AttributeDefinition(name = "Announced addresses",
            description = "Comma-separated host candidates put in every SDP answer, as address or address:port (a public IP, "
                    + "a NAT's forwarded port, several interfaces). Empty: the bind address, or every up, non-loopback "
                    + "interface address when bound to a wildcard.")
    String announced_addresses() default "";

    @AttributeDefinition(name = "ICE timeout (seconds)",
            description = "A session with no valid connectivity check this long after the offer is closed.", min = "1")
    int ice_timeout_seconds() default 15;

    @AttributeDefinition(name = "Consent timeout (seconds)",
            description = "A session with no valid STUN binding request for this long is closed (RFC 7675 consent freshness).", min = "1")
    int consent_timeout_seconds() default 30;

    @AttributeDefinition(name = "DTLS handshake timeout (seconds)", description = "A DTLS handshake taking longer fails.", min = "1")
    int dtls_handshake_timeout_seconds() default 10;

    @AttributeDefinition(name = "DTLS handshake threads",
            description = "Threads running Bouncy Castle's blocking DTLS handshakes; more concurrent handshakes queue.", min = "1")
    int dtls_handshake_threads() default 2;

    @AttributeDefinition(name = "DTLS handshakes per address",
            description = "Handshakes one source IP address may run at once; its further ones wait their turn (at most "
                    + "32), so a peer that stalls its handshakes cannot hold every handshake thread.", min = "1", max = "64")
    int dtls_handshakes_per_address() default 1;

    @AttributeDefinition(name = "SRTP profiles",
            description = "SRTP protection profiles in the server's order of preference: AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80.")
    String srtp_profiles() default "AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80";

    @AttributeDefinition(name = "Maximum sessions", description = "Open transports beyond this many are refused.", min = "1")
    int max_sessions() default 1000;

    @AttributeDefinition(name = "UDP sockets",
            description = "Sockets bound to the port with SO_REUSEPORT, each on its own event loop, sessions spread over "
                    + "them so that fan-out uses every core: 0 for one per event loop of the node, 1 for a single socket.",
            min = "0", max = "64")
    int udp_sockets() default 0;

    @AttributeDefinition(name = "UDP segmentation offload",
            description = "Send each video frame's packets to one viewer with one sendmsg and UDP_SEGMENT (Linux 4.18+), "
                    + "about half the kernel's CPU per packet. Falls back to one send per packet, with a warning, where "
                    + "the kernel, the route or the JVM cannot (bin/setenv passes the --add-exports it needs).")
    boolean udp_gso() default true;
}
