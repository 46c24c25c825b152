package org.stateos.webrtc.internal.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stateos.webrtc.internal.rtp.H264Profile;
import org.stateos.webrtc.internal.sdp.Negotiation.Role;
import org.stateos.webrtc.internal.sdp.Negotiation.SectionAnswer;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * Decides the answer to a WebRTC offer for a stream: which section carries our H264 video (and with which
 * payload type and profile), whether Opus audio is sent, and the peer's ICE and DTLS parameters. A pure function
 * of the offer and what the stream has.
 *
 * <p>Rules (the README's "SDP decisions"):
 * <ul>
 *   <li>Video: the first video section the offerer receives on (recvonly or sendrecv) with an H264/90000 payload
 *       type whose fmtp says packetization-mode=1. Among those, one whose profile_idc equals the stream's SPS
 *       (for a baseline stream, constrained baseline 42e0xx first), else the first in the offer's order: browsers
 *       decode every H264 profile they offer, whatever the profile-level-id says. None: 406.</li>
 *   <li>Audio: Opus/48000/2 in the first audio section when the stream has an Opus track; otherwise the
 *       section is rejected (port 0). AAC is transcoded in a later release.</li>
 *   <li>Everything else (more sections, data channels) is rejected with port 0.</li>
 *   <li>One transport for everything: accepted sections must be in the offer's BUNDLE group and use rtcp-mux.
 *       Without a BUNDLE group only the video section is accepted.</li>
 *   <li>DTLS: we are always the server (a=setup:passive); an offer that insists on passive is refused.</li>
 * </ul>
 */
public final class Negotiator {

    private Negotiator() {
    }

    /**
     * @param offer         the parsed offer
     * @param streamProfile the stream's H264 profile from its SPS, or null when the stream's video is not known yet
     * @param streamHasOpus whether the stream has an Opus audio track
     * @throws SdpException 400 when the offer lacks what WebRTC requires, 406 when it has no usable H264
     */
    public static Negotiation negotiate(SessionDescription offer, H264Profile streamProfile, boolean streamHasOpus)
            throws SdpException {
        List<SectionAnswer> answers = new ArrayList<>(offer.media().size());
        MediaDescription video = null;
        int videoPt = -1;
        MediaDescription audio = null;
        int audioPt = -1;
        String h264Problem = "the offer has no video section";
        for (MediaDescription m : offer.media()) {
            String reject = null;
            if (video == null && m.type().equals("video")) {
                reject = usable(m);
                if (reject == null) {
                    int pt = chooseH264(m, streamProfile);
                    if (pt < 0) {
                        reject = h264Problem = describeMissingH264(m);
                    } else if (!m.rtcpMux()) {
                        throw new SdpException("the video section lacks a=rtcp-mux: this server sends RTP and RTCP on one port (RFC 8858)");
                    } else {
                        video = m;
                        videoPt = pt;
                        answers.add(new SectionAnswer(m, Role.VIDEO, null));
                        continue;
                    }
                } else {
                    h264Problem = "the video section is not usable: " + reject;
                }
            } else if (audio == null && m.type().equals("audio")) {
                reject = usable(m);
                if (reject == null && !m.rtcpMux()) {
                    reject = "no a=rtcp-mux";
                }
                if (reject == null) {
                    int pt = firstMatching(m, "opus", 48_000);
                    if (!streamHasOpus) {
                        reject = "the stream has no Opus audio (AAC is not transcoded yet)";
                    } else if (pt < 0) {
                        reject = "the offer has no opus/48000/2";
                    } else {
                        audio = m;
                        audioPt = pt;
                        answers.add(new SectionAnswer(m, Role.AUDIO, null));
                        continue;
                    }
                }
            } else if (reject == null) {
                reject = m.type().equals("application") ? "data channels are not offered by this server"
                        : "no further " + m.type() + " track to send";
            }
            answers.add(new SectionAnswer(m, Role.REJECTED, reject));
        }
        if (video == null) {
            throw new SdpException(SdpException.NOT_ACCEPTABLE, "cannot send H264 video: " + h264Problem);
        }

        List<String> bundle = new ArrayList<>();
        boolean bundled = video.mid() != null && offer.bundleMids().contains(video.mid());
        if (bundled) {
            bundle.add(video.mid());
        }
        if (audio != null) {
            if (bundled && audio.mid() != null && offer.bundleMids().contains(audio.mid())) {
                bundle.add(audio.mid());
            } else {
                // One transport per peer: without BUNDLE the audio would need a second one.
                answers.set(answers.indexOf(new SectionAnswer(audio, Role.AUDIO, null)),
                        new SectionAnswer(audio, Role.REJECTED, "not in the offer's BUNDLE group"));
                audio = null;
                audioPt = -1;
            }
        }

        String ufrag = video.iceUfrag() != null ? video.iceUfrag() : offer.iceUfrag();
        String pwd = video.icePwd() != null ? video.icePwd() : offer.icePwd();
        if (ufrag == null || pwd == null) {
            throw new SdpException("the offer has no a=ice-ufrag and a=ice-pwd (ICE is required)");
        }
        Fingerprint fingerprint = video.fingerprint() != null ? video.fingerprint() : offer.fingerprint();
        if (fingerprint == null) {
            throw new SdpException("the offer has no a=fingerprint (DTLS-SRTP is required)");
        }
        String setup = video.setup() != null ? video.setup() : offer.setup();
        if ("passive".equals(setup) || "holdconn".equals(setup)) {
            throw new SdpException("the offer has a=setup:" + setup + "; this server is always the DTLS server "
                    + "(answers a=setup:passive), so offers must say actpass or active");
        }
        H264Profile profile = H264Profile.parse(video.fmtp(videoPt).get("profile-level-id"));
        if (profile == null) {
            profile = new H264Profile(H264Profile.BASELINE, 0, 0x1f); // RFC 6184: 420010 when absent; we echo what we send
        }
        return new Negotiation(ufrag, pwd, fingerprint, answers, bundle, videoPt, profile,
                feedback(video, videoPt, true), audioPt, audio == null ? List.of() : feedback(audio, audioPt, false));
    }

    /** Why an offered section cannot carry media from us, or null when it can. */
    private static String usable(MediaDescription m) {
        if (m.port() == 0 && m.attributes().stream().noneMatch(a -> a.name().equals("bundle-only"))) {
            return "the offer rejected it (port 0)";
        }
        if (!m.isSecureRtp()) {
            return "protocol " + m.proto() + " is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)";
        }
        if (!m.direction().offererReceives()) {
            return "the offerer does not receive on it (a=" + m.direction().attribute() + ")";
        }
        return null;
    }

    /**
     * The H264 payload type to send in {@code m}, or -1. Only packetization-mode=1; a profile_idc equal to the
     * stream's scores higher (constrained baseline highest for a baseline stream), ties go to the offer's order.
     */
    static int chooseH264(MediaDescription m, H264Profile stream) {
        int best = -1;
        int bestScore = -1;
        for (String format : m.formats()) {
            int pt = payloadType(format);
            RtpMap map = pt < 0 ? null : m.rtpMaps().get(pt);
            if (map == null || !map.is("H264", 90_000)) {
                continue;
            }
            Map<String, String> fmtp = m.fmtp(pt);
            if (!"1".equals(fmtp.get("packetization-mode"))) {
                continue;
            }
            H264Profile offered = H264Profile.parse(fmtp.get("profile-level-id"));
            int score = 1;
            if (stream != null && offered != null && offered.profileIdc() == stream.profileIdc()) {
                score = 3;
                if (stream.profileIdc() == H264Profile.BASELINE && offered.isConstrainedBaseline()) {
                    score = 4;
                }
            } else if (stream == null && offered != null && offered.isConstrainedBaseline()) {
                score = 2;
            }
            if (score > bestScore) {
                best = pt;
                bestScore = score;
            }
        }
        return best;
    }

    private static String describeMissingH264(MediaDescription m) {
        boolean anyH264 = m.rtpMaps().values().stream().anyMatch(r -> r.is("H264", 90_000));
        return anyH264 ? "the offer has H264 only with packetization-mode 0; this server sends packetization-mode 1 (FU-A)"
                : "the offer has no H264 (offered: " + encodings(m) + ")";
    }

    /** An offered name as it may appear in an error message: short, printable ASCII (found by fuzzing). */
    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 32; i++) {
            char c = name.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return name.length() > 32 ? sb + "..." : sb.toString();
    }

    private static String encodings(MediaDescription m) {
        StringBuilder sb = new StringBuilder();
        for (String f : m.formats()) {
            RtpMap map = m.rtpMaps().get(payloadType(f));
            if (map != null && sb.indexOf(map.encoding()) < 0 && sb.length() < 100) {
                sb.append(sb.length() == 0 ? "" : ", ").append(printable(map.encoding()));
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static int firstMatching(MediaDescription m, String encoding, int rate) {
        for (String format : m.formats()) {
            int pt = payloadType(format);
            RtpMap map = pt < 0 ? null : m.rtpMaps().get(pt);
            if (map != null && map.is(encoding, rate)) {
                return pt;
            }
        }
        return -1;
    }

    private static List<RtcpFeedback> feedback(MediaDescription m, int pt, boolean video) {
        List<RtcpFeedback> out = new ArrayList<>();
        for (RtcpFeedback fb : m.rtcpFeedback()) {
            if (fb.payloadType() != pt && fb.payloadType() != -1) {
                continue;
            }
            boolean wanted = fb.type().equals("nack") && (fb.parameter() == null || video && fb.parameter().equals("pli"))
                    || video && fb.type().equals("ccm") && "fir".equals(fb.parameter());
            if (wanted && out.stream().noneMatch(o -> o.text().equals(fb.text()))) {
                out.add(new RtcpFeedback(pt, fb.type(), fb.parameter()));
            }
        }
        return out;
    }

    private static int payloadType(String format) {
        if (format.isEmpty() || format.length() > 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + c - '0';
        }
        return v <= 127 ? v : -1;
    }
}
