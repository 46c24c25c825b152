package org.stateos.loadclient;

/**
 * The recvonly offer a viewer POSTs, shaped like a browser's: BUNDLE of a video section (H264
 * packetization-mode=1, constrained baseline and high, with nack/pli) and an audio section (Opus), rtcp-mux,
 * {@code a=setup:actpass}, the viewer's ICE credentials and DTLS certificate fingerprint.
 */
public final class Offer {
    public static final int H264_CB = 102;
    public static final int H264_HIGH = 104;
    public static final int OPUS = 111;

    private Offer() {
    }

    public static String build(long sessionId, String ufrag, String pwd, String sha256Fingerprint) {
        StringBuilder s = new StringBuilder(1600);
        line(s, "v=0");
        line(s, "o=- " + sessionId + " 2 IN IP4 127.0.0.1");
        line(s, "s=-");
        line(s, "t=0 0");
        line(s, "a=group:BUNDLE 0 1");
        line(s, "a=msid-semantic: WMS");
        line(s, "m=video 9 UDP/TLS/RTP/SAVPF " + H264_CB + " " + H264_HIGH);
        common(s, "0", ufrag, pwd, sha256Fingerprint);
        for (int pt : new int[] {H264_CB, H264_HIGH}) {
            line(s, "a=rtpmap:" + pt + " H264/90000");
            line(s, "a=rtcp-fb:" + pt + " nack");
            line(s, "a=rtcp-fb:" + pt + " nack pli");
            line(s, "a=rtcp-fb:" + pt + " ccm fir");
            line(s, "a=fmtp:" + pt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id="
                    + (pt == H264_CB ? "42e01f" : "640032"));
        }
        line(s, "m=audio 9 UDP/TLS/RTP/SAVPF " + OPUS);
        common(s, "1", ufrag, pwd, sha256Fingerprint);
        line(s, "a=rtpmap:" + OPUS + " opus/48000/2");
        line(s, "a=fmtp:" + OPUS + " minptime=10;useinbandfec=1");
        return s.toString();
    }

    private static void common(StringBuilder s, String mid, String ufrag, String pwd, String fingerprint) {
        line(s, "c=IN IP4 0.0.0.0");
        line(s, "a=rtcp:9 IN IP4 0.0.0.0");
        line(s, "a=ice-ufrag:" + ufrag);
        line(s, "a=ice-pwd:" + pwd);
        line(s, "a=ice-options:trickle");
        line(s, "a=fingerprint:sha-256 " + fingerprint);
        line(s, "a=setup:actpass");
        line(s, "a=mid:" + mid);
        line(s, "a=recvonly");
        line(s, "a=rtcp-mux");
        line(s, "a=rtcp-rsize");
    }

    private static void line(StringBuilder s, String l) {
        s.append(l).append("\r\n");
    }
}
