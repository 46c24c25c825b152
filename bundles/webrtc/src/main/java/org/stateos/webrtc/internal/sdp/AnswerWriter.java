package org.stateos.webrtc.internal.sdp;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.stateos.webrtc.internal.sdp.Negotiation.SectionAnswer;
import org.stateos.webrtc.internal.transport.PeerTransport.LocalParameters;

/**
 * Writes the SDP answer (RFC 8829 5.3) for a {@link Negotiation}: ICE-lite, BUNDLE, rtcp-mux, a=setup:passive, our
 * host candidates (UDP, one per announced address), sendonly H264 (and Opus) with our SSRCs and CNAME. Rejected
 * sections keep their place with port 0.
 */
public final class AnswerWriter {
    private static final String CRLF = "\r\n";

    private AnswerWriter() {
    }

    /**
     * @param local      our ICE credentials, DTLS fingerprint and candidates
     * @param sessionId  the o= line's session id (positive)
     * @param cname      the RTCP CNAME of our streams
     * @param streamId   the msid stream id the browser groups the tracks under
     */
    public static String write(Negotiation n, LocalParameters local, long sessionId, String cname, String streamId,
            int videoSsrc, int audioSsrc) {
        StringBuilder sb = new StringBuilder(2048);
        line(sb, "v=0");
        line(sb, "o=- " + Long.toUnsignedString(sessionId) + " 2 IN IP4 127.0.0.1");
        line(sb, "s=-");
        line(sb, "t=0 0");
        line(sb, "a=ice-lite");
        if (!n.bundleMids().isEmpty()) {
            line(sb, "a=group:BUNDLE " + String.join(" ", n.bundleMids()));
        }
        line(sb, "a=msid-semantic: WMS " + streamId);
        InetSocketAddress first = local.candidates().isEmpty() ? null : local.candidates().get(0);
        for (SectionAnswer s : n.sections()) {
            MediaDescription m = s.offered();
            switch (s.role()) {
                case REJECTED -> {
                    line(sb, "m=" + m.type() + " 0 " + m.proto() + " " + m.formats().get(0));
                    line(sb, "c=IN IP4 0.0.0.0");
                    if (m.mid() != null) {
                        line(sb, "a=mid:" + m.mid());
                    }
                }
                case VIDEO -> {
                    int pt = n.videoPayloadType();
                    media(sb, m, pt, local, first);
                    line(sb, "a=rtpmap:" + pt + " H264/90000");
                    feedback(sb, n.videoFeedback());
                    line(sb, "a=fmtp:" + pt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id="
                            + n.videoProfile());
                    line(sb, "a=msid:" + streamId + " " + streamId + "-video");
                    line(sb, "a=ssrc:" + Integer.toUnsignedString(videoSsrc) + " cname:" + cname);
                    candidates(sb, local.candidates());
                }
                case AUDIO -> {
                    int pt = n.audioPayloadType();
                    media(sb, m, pt, local, first);
                    line(sb, "a=rtpmap:" + pt + " opus/48000/2");
                    feedback(sb, n.audioFeedback());
                    line(sb, "a=fmtp:" + pt + " minptime=10;useinbandfec=1");
                    line(sb, "a=msid:" + streamId + " " + streamId + "-audio");
                    line(sb, "a=ssrc:" + Integer.toUnsignedString(audioSsrc) + " cname:" + cname);
                    candidates(sb, local.candidates());
                }
                default -> throw new IllegalStateException(s.role().toString());
            }
        }
        return sb.toString();
    }

    private static void media(StringBuilder sb, MediaDescription m, int pt, LocalParameters local, InetSocketAddress first) {
        // The m-line and c-line carry the default candidate (RFC 8839 4.2.1.2); 9 / 0.0.0.0 when there is none.
        line(sb, "m=" + m.type() + " " + (first == null ? 9 : first.getPort()) + " " + m.proto() + " " + pt);
        line(sb, "c=" + (first == null ? "IN IP4 0.0.0.0" : addressType(first) + " " + host(first)));
        if (m.mid() != null) {
            line(sb, "a=mid:" + m.mid());
        }
        line(sb, "a=sendonly");
        line(sb, "a=ice-ufrag:" + local.iceUfrag());
        line(sb, "a=ice-pwd:" + local.icePwd());
        line(sb, "a=fingerprint:" + local.fingerprintAlgorithm() + " " + local.fingerprint());
        line(sb, "a=setup:passive");
        line(sb, "a=rtcp-mux");
    }

    private static void feedback(StringBuilder sb, List<RtcpFeedback> feedback) {
        for (RtcpFeedback fb : feedback) {
            line(sb, "a=rtcp-fb:" + fb.payloadType() + " " + fb.text());
        }
    }

    /**
     * One host candidate per address (RFC 8839 5.1): foundation = its index, component 1 (rtcp-mux), priority with
     * type preference 126 (host) and a local preference that keeps the configured order.
     */
    private static void candidates(StringBuilder sb, List<InetSocketAddress> candidates) {
        for (int i = 0; i < candidates.size(); i++) {
            InetSocketAddress c = candidates.get(i);
            long priority = (126L << 24) | ((long) Math.max(0, 65535 - i) << 8) | (256 - 1);
            line(sb, "a=candidate:" + (i + 1) + " 1 udp " + priority + " " + host(c) + " " + c.getPort() + " typ host");
        }
        line(sb, "a=end-of-candidates");
    }

    private static String addressType(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? "IN IP6" : "IN IP4";
    }

    static String host(InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        int scope = h.indexOf('%');
        return scope < 0 ? h : h.substring(0, scope);
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append(CRLF);
    }
}
