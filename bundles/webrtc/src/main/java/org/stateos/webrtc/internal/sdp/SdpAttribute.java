package org.stateos.webrtc.internal.sdp;

/** One {@code a=} line: {@code a=name} (a property, value null) or {@code a=name:value}. */
public record SdpAttribute(String name, String value) {

    public static final String RTPMAP = "rtpmap";
    public static final String FMTP = "fmtp";
    public static final String RTCP_FB = "rtcp-fb";
    public static final String MID = "mid";
    public static final String ICE_UFRAG = "ice-ufrag";
    public static final String ICE_PWD = "ice-pwd";
    public static final String FINGERPRINT = "fingerprint";
    public static final String SETUP = "setup";
    public static final String RTCP_MUX = "rtcp-mux";
    public static final String EXTMAP = "extmap";
    public static final String GROUP = "group";

    @Override
    public String toString() {
        return value == null ? "a=" + name : "a=" + name + ":" + value;
    }
}
