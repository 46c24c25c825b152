package org.stateos.webrtc.internal.sdp;

import java.util.List;
import org.stateos.webrtc.internal.rtp.H264Profile;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * What {@link Negotiator} agreed for one offer: the peer's ICE and DTLS parameters and the answer to each of the
 * offer's media sections, in the offer's order.
 *
 * @param videoPayloadType the H264 payload type we send (always present: an offer without it is refused)
 * @param videoProfile     the profile-level-id answered for it (the offer's, echoed)
 * @param videoFeedback    the rtcp-fb the offer announced for it that we use (subset of nack, nack pli, ccm fir)
 * @param audioPayloadType the Opus payload type, or -1 when audio is not sent
 */
public record Negotiation(String remoteUfrag, String remotePwd, Fingerprint remoteFingerprint,
        List<SectionAnswer> sections, List<String> bundleMids, int videoPayloadType, H264Profile videoProfile,
        List<RtcpFeedback> videoFeedback, int audioPayloadType, List<RtcpFeedback> audioFeedback) {

    public Negotiation {
        sections = List.copyOf(sections);
        bundleMids = List.copyOf(bundleMids);
        videoFeedback = List.copyOf(videoFeedback);
        audioFeedback = List.copyOf(audioFeedback);
    }

    public boolean sendsAudio() {
        return audioPayloadType >= 0;
    }

    /** How one offered section is answered. */
    public enum Role {
        /** Our H264 video, sendonly. */
        VIDEO,
        /** Our Opus audio, sendonly. */
        AUDIO,
        /** Port 0 (JSEP 5.3.1): nothing of ours fits it, or it is a data channel. */
        REJECTED
    }

    /**
     * @param offered the offer's section
     * @param role    how we answer it
     * @param reason  for a rejected section, why (logged; operators see it in webrtc:sessions' log line)
     */
    public record SectionAnswer(MediaDescription offered, Role role, String reason) {
    }
}
