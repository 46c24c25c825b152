package org.stateos.loadclient;

import java.net.InetSocketAddress;

/**
 * Our SDP answer to the offer Janus's streaming plugin makes for a watch request: the one H264 section it offers,
 * accepted recvonly with the offer's first payload type, {@code a=setup:active} (we are the DTLS client, as
 * against the node), no RTX, no header extensions, no transport-cc (Janus then retransmits NACKed packets on the
 * original payload type, as the node does), one host candidate and end-of-candidates (Janus runs ICE-lite).
 */
public final class JanusAnswer {
    private JanusAnswer() {
    }

    /** @param offer the offer parsed with the node's parser (its first video payload type, mid "v" for Janus) */
    public static String build(Answer offer, String mid, Signalling.Local local, InetSocketAddress candidate) {
        if (offer.videoPayloadType() < 0) {
            throw new IllegalArgumentException("Janus offered no video section");
        }
        int pt = offer.videoPayloadType();
        StringBuilder s = new StringBuilder(1200);
        line(s, "v=0");
        line(s, "o=- " + local.sdpSessionId() + " 2 IN IP4 127.0.0.1");
        line(s, "s=-");
        line(s, "t=0 0");
        line(s, "a=group:BUNDLE " + mid);
        line(s, "a=msid-semantic: WMS");
        line(s, "m=video 9 UDP/TLS/RTP/SAVPF " + pt);
        line(s, "c=IN IP4 0.0.0.0");
        line(s, "a=rtcp:9 IN IP4 0.0.0.0");
        line(s, "a=ice-ufrag:" + local.ufrag());
        line(s, "a=ice-pwd:" + local.pwd());
        line(s, "a=fingerprint:sha-256 " + local.fingerprint());
        line(s, "a=setup:active");
        line(s, "a=mid:" + mid);
        line(s, "a=recvonly");
        line(s, "a=rtcp-mux");
        line(s, "a=rtpmap:" + pt + " H264/90000");
        line(s, "a=rtcp-fb:" + pt + " nack");
        line(s, "a=rtcp-fb:" + pt + " nack pli");
        line(s, "a=rtcp-fb:" + pt + " ccm fir");
        line(s, "a=fmtp:" + pt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        line(s, "a=candidate:1 1 udp 2130706431 " + candidate.getAddress().getHostAddress() + " " + candidate.getPort()
                + " typ host");
        line(s, "a=end-of-candidates");
        return s.toString();
    }

    /** The value of the first {@code a=mid:} line of an SDP, or "0". */
    static String firstMid(String sdp) {
        for (String l : sdp.split("\r?\n")) {
            if (l.startsWith("a=mid:")) {
                return l.substring(6).trim();
            }
        }
        return "0";
    }

    private static void line(StringBuilder s, String l) {
        s.append(l).append("\r\n");
    }
}
