package org.stateos.webrtc.internal.sdp;

import java.util.List;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * A parsed offer: the session-level lines this server uses and its media sections in order.
 *
 * @param originSessionId the o= line's session id (digits as written)
 * @param bundleMids      the mids of the first {@code a=group:BUNDLE}, empty when the offer has none
 * @param iceUfrag        session-level {@code a=ice-ufrag}, null when absent (media-level ones are in the sections)
 * @param icePwd          session-level {@code a=ice-pwd}, null when absent
 * @param fingerprint     session-level {@code a=fingerprint}, null when absent
 * @param setup           session-level {@code a=setup}, null when absent
 * @param attributes      every session-level {@code a=} line as written
 */
public record SessionDescription(String originSessionId, List<String> bundleMids, String iceUfrag, String icePwd,
        Fingerprint fingerprint, String setup, List<SdpAttribute> attributes, List<MediaDescription> media) {

    public SessionDescription {
        bundleMids = List.copyOf(bundleMids);
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }
}
