package org.stateos.webrtc.internal.sdp;

import java.util.List;
import java.util.Map;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * One media section ({@code m=} and the lines up to the next): what the parser understood, plus every attribute
 * as written. Lists and maps are immutable and keep the offer's order.
 *
 * @param type        {@code video}, {@code audio}, {@code application}, ...
 * @param port        the m-line's port; 0 means the section is rejected (or bundle-only)
 * @param proto       e.g. {@code UDP/TLS/RTP/SAVPF}
 * @param formats     the m-line's formats in order of preference (payload types for RTP)
 * @param mid         {@code a=mid}, null when absent
 * @param direction   the direction attribute, {@link Direction#SENDRECV} when absent
 * @param rtpMaps     {@code a=rtpmap} by payload type
 * @param fmtps       {@code a=fmtp} parameters by payload type; keys lower-cased, a bare value gets key ""
 * @param rtcpFeedback {@code a=rtcp-fb} lines
 * @param iceUfrag    media-level {@code a=ice-ufrag}, null when absent
 * @param icePwd      media-level {@code a=ice-pwd}, null when absent
 * @param fingerprint media-level {@code a=fingerprint}, null when absent
 * @param setup       media-level {@code a=setup} (actpass, active, passive, holdconn), null when absent
 * @param rtcpMux     {@code a=rtcp-mux} present
 * @param extmaps     {@code a=extmap} lines
 * @param attributes  every {@code a=} line of the section, as written
 */
public record MediaDescription(String type, int port, String proto, List<String> formats, String mid,
        Direction direction, Map<Integer, RtpMap> rtpMaps, Map<Integer, Map<String, String>> fmtps,
        List<RtcpFeedback> rtcpFeedback, String iceUfrag, String icePwd, Fingerprint fingerprint, String setup,
        boolean rtcpMux, List<Extmap> extmaps, List<SdpAttribute> attributes) {

    public MediaDescription {
        formats = List.copyOf(formats);
        rtpMaps = Map.copyOf(rtpMaps);
        fmtps = Map.copyOf(fmtps);
        rtcpFeedback = List.copyOf(rtcpFeedback);
        extmaps = List.copyOf(extmaps);
        attributes = List.copyOf(attributes);
    }

    /** The fmtp parameters of {@code payloadType}; empty when it has none. */
    public Map<String, String> fmtp(int payloadType) {
        return fmtps.getOrDefault(payloadType, Map.of());
    }

    /** True for the DTLS-SRTP profiles WebRTC uses ({@code UDP/TLS/RTP/SAVPF}, {@code RTP/SAVPF}, ...). */
    public boolean isSecureRtp() {
        return proto.toUpperCase(java.util.Locale.ROOT).contains("RTP/SAVP");
    }
}
