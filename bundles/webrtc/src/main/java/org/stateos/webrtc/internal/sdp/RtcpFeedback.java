package org.stateos.webrtc.internal.sdp;

/**
 * {@code a=rtcp-fb:<pt|*> <type> [<parameter>]} (RFC 4585), e.g. {@code nack}, {@code nack pli}, {@code ccm fir}.
 *
 * @param payloadType the payload type, or -1 for {@code *}
 * @param parameter   null when absent
 */
public record RtcpFeedback(int payloadType, String type, String parameter) {

    /** The feedback as written after the payload type: {@code nack pli}. */
    public String text() {
        return parameter == null ? type : type + " " + parameter;
    }
}
