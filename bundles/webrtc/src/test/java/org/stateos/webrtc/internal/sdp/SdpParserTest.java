package org.stateos.webrtc.internal.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdpParserTest {
    private final SdpParser parser = new SdpParser();

    @Test
    void parsesChromeRecvonlyOffer() throws SdpException {
        SessionDescription sd = parser.parse(SdpFixtures.chromeOffer());
        assertEquals("4611731400430051336", sd.originSessionId());
        assertEquals(List.of("0", "1"), sd.bundleMids());
        assertEquals(2, sd.media().size());
        MediaDescription v = sd.media().get(0);
        assertEquals("video", v.type());
        assertEquals("0", v.mid());
        assertEquals(Direction.RECVONLY, v.direction());
        assertEquals("UDP/TLS/RTP/SAVPF", v.proto());
        assertTrue(v.isSecureRtp());
        assertTrue(v.rtcpMux());
        assertEquals("Xk9q", v.iceUfrag());
        assertEquals("8Jm2bq0yZc1Ls4u0n8Zq3wRt", v.icePwd());
        assertEquals("sha-256", v.fingerprint().algorithm());
        assertTrue(v.fingerprint().hex().startsWith("9C:4F:1D"));
        assertEquals("actpass", v.setup());
        assertEquals(new RtpMap(106, "H264", 90_000, 1), v.rtpMaps().get(106));
        assertEquals(Map.of("level-asymmetry-allowed", "1", "packetization-mode", "1", "profile-level-id", "42e01f"),
                v.fmtp(106));
        assertTrue(v.rtcpFeedback().contains(new RtcpFeedback(106, "nack", "pli")));
        assertEquals(5, v.extmaps().size());
        assertEquals(new Extmap(9, null, "urn:ietf:params:rtp-hdrext:sdes:mid"), v.extmaps().get(4));
        MediaDescription a = sd.media().get(1);
        assertEquals(new RtpMap(111, "opus", 48_000, 2), a.rtpMaps().get(111));
        assertEquals(Map.of("", "111/111"), a.fmtp(63));
    }

    @Test
    void acceptsBareLineFeedsAndBlankLines() throws SdpException {
        String lf = SdpFixtures.chromeOffer().replace("\r\n", "\n") + "\n\n";
        assertEquals(2, parser.parse(lf).media().size());
    }

    @Test
    void refusesWhatIsNotSdp() {
        assertReason("", "empty SDP");
        assertReason("hello", "not of the form");
        assertReason("v=1\r\n", "must start with v=0");
        assertReason("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "no media sections");
        assertReason("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", "no o= line");
        assertReason("v=0\r\no=- x 2 IN IP4 127.0.0.1\r\n", "session id is not a number");
        assertReason("v=0\r\nX=1\r\n", "not of the form");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 70000 RTP/SAVPF 96\r\n", "port 70000 is out of range");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 9 RTP/SAVPF\r\n", "at least one format");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 9 RTP/SAVPF 96\r\na=rtpmap:200 H264/90000\r\n",
                "payload type 200 is out of range");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 9 RTP/SAVPF 96\r\na=rtpmap:96 H264\r\n", "clock rate");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 9 RTP/SAVPF 96\r\na=fingerprint:sha-256 XYZ\r\n",
                "colon-separated hex");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 9 RTP/SAVPF 96\r\na=ice-pwd:short\r\n", "22..256");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=video 9 RTP/SAVPF 96\r\na=setup:sideways\r\n", "a=setup value");
        assertReason("v=0\r\no=- 1 2 IN IP4 1.2.3.4\u0000\r\n", "control character");
    }

    @Test
    void enforcesItsLimits() {
        SdpParser small = new SdpParser(new SdpParser.Limits(200, 5, 40, 1, 3, 2));
        assertReason(small, "v=0\r\n" + "s=-\r\n".repeat(60), "exceeds the maximum of 200");
        assertReason(small, "v=0\r\n" + "s=-\r\n".repeat(10), "more than 5 lines");
        assertReason(small, "v=0\r\ns=" + "x".repeat(50) + "\r\n", "longer than 40");
        assertReason(small, "v=0\r\no=- 1 2 IN IP4 a\r\nm=video 9 P 1\r\nm=audio 9 P 1\r\n", "more than 1 media");
        assertReason(small, "v=0\r\no=- 1 2 IN IP4 a\r\nm=video 9 P 1 2 3 4\r\n", "more than 3 formats");
        assertReason(small, "v=0\r\no=- 1 2 IN IP4 a\r\nm=video 9 P 1\r\na=fmtp:1 a=1;b=2;c=3\r\n", "more than 2 parameters");
    }

    @Test
    void keepsSessionLevelAttributesAndDefaults() throws SdpException {
        SessionDescription sd = parser.parse("v=0\r\no=- 7 2 IN IP4 a\r\ns=-\r\nt=0 0\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:SHA-256 ab:cd\r\na=setup:active\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
        assertEquals("abcd", sd.iceUfrag());
        assertEquals("sha-256", sd.fingerprint().algorithm());
        assertEquals("AB:CD", sd.fingerprint().hex());
        assertEquals("active", sd.setup());
        MediaDescription m = sd.media().get(0);
        assertEquals(Direction.SENDRECV, m.direction());
        assertNull(m.mid());
        assertEquals(List.of(), sd.bundleMids());
    }

    private void assertReason(String sdp, String reason) {
        assertReason(parser, sdp, reason);
    }

    private static void assertReason(SdpParser p, String sdp, String reason) {
        SdpException e = assertThrows(SdpException.class, () -> p.parse(sdp));
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' does not say '" + reason + "'");
        assertEquals(400, e.status());
    }
}
