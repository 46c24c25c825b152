package org.stateos.loadclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.sdp.MediaDescription;
import org.stateos.webrtc.internal.sdp.SdpParser;
import org.stateos.webrtc.internal.sdp.SessionDescription;

/** Janus 1.1.2's real watch offer (captured from Debian's janus with itests/fanout-bench/janus) and our answer. */
class JanusAnswerTest {
    static final String FP = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    static final String OFFER = "v=0\r\no=- 1795313537577752 1 IN IP4 127.0.0.1\r\ns=Mountpoint 1\r\nt=0 0\r\n"
            + "a=group:BUNDLE v\r\na=ice-options:trickle\r\na=fingerprint:sha-256 02:26:D6:67:AC:22:65:BF:FA:B9:86:60:"
            + "CA:40:48:C2:70:E1:24:82:1D:71:1E:D0:37:16:DB:1B:70:EB:D2:DA\r\na=extmap-allow-mixed\r\n"
            + "a=msid-semantic: WMS *\r\na=ice-lite\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 127.0.0.1\r\n"
            + "a=sendonly\r\na=mid:v\r\na=rtcp-mux\r\na=ice-ufrag:cmhi\r\na=ice-pwd:ZyK3iOWFh4MdxIct1QlbnV\r\n"
            + "a=ice-options:trickle\r\na=setup:actpass\r\na=rtpmap:96 H264/90000\r\na=rtcp-fb:96 ccm fir\r\n"
            + "a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 transport-cc\r\n"
            + "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
            + "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=fmtp:96 profile-level-id=42e01f;packetization-mode=1\r\n"
            + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=ssrc-group:FID 2333999888 793843752\r\n"
            + "a=msid:janus janusv\r\na=ssrc:2333999888 cname:janus\r\na=ssrc:793843752 cname:janus\r\n"
            + "a=candidate:1 1 udp 2015363327 10.255.0.1 38089 typ host\r\na=end-of-candidates\r\n";

    @Test
    void readsJanusOfferWithTheNodesParser() throws Exception {
        Answer offer = Answer.parse(OFFER);
        assertEquals("cmhi", offer.iceUfrag());
        assertEquals("ZyK3iOWFh4MdxIct1QlbnV", offer.icePwd());
        assertTrue(offer.fingerprint().hex().startsWith("02:26:D6"));
        assertEquals(new InetSocketAddress("10.255.0.1", 38089), offer.candidates().get(0));
        assertEquals(96, offer.videoPayloadType());
        assertEquals(-1, offer.audioPayloadType());
        assertEquals("v", JanusAnswer.firstMid(OFFER));
    }

    @Test
    void answerAcceptsH264RecvonlyAsDtlsClientWithoutRtxOrExtensions() throws Exception {
        Signalling.Local local = new Signalling.Local("ufrg", "passwordpasswordpassword", FP, 7);
        String sdp = JanusAnswer.build(Answer.parse(OFFER), "v", local, new InetSocketAddress("10.255.0.1", 40000));
        SessionDescription d = new SdpParser().parse(sdp);
        MediaDescription m = d.media().get(0);
        assertEquals(1, d.media().size());
        assertEquals(java.util.List.of("96"), m.formats(), "the H264 payload type only: no RTX");
        assertEquals("ufrg", m.iceUfrag() != null ? m.iceUfrag() : d.iceUfrag());
        assertTrue(sdp.contains("a=setup:active\r\n"));
        assertTrue(sdp.contains("a=recvonly\r\n"));
        assertTrue(sdp.contains("a=mid:v\r\n"));
        assertTrue(sdp.contains("a=candidate:1 1 udp 2130706431 10.255.0.1 40000 typ host\r\n"));
        assertTrue(!sdp.contains("extmap") && !sdp.contains("transport-cc"));
        assertEquals(new InetSocketAddress("10.255.0.1", 40000), Answer.parse(sdp).candidates().get(0));
    }

    @Test
    void findsTheOfferAmongPolledEventsAndStopsOnHangup() throws Exception {
        String events = "[{\"janus\":\"event\",\"plugindata\":{\"plugin\":\"janus.plugin.streaming\",\"data\":{\"streaming\":"
                + "\"event\",\"result\":{\"status\":\"preparing\"}}},\"jsep\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}]";
        assertEquals("v=0\r\n", JanusSignalling.offerIn(JsonParser.parseString(events)));
        assertNull(JanusSignalling.offerIn(JsonParser.parseString("{\"janus\":\"keepalive\"}")));
        assertNull(JanusSignalling.offerIn(JsonParser.parseString("[]")));
        assertThrows(IOException.class, () -> JanusSignalling.offerIn(JsonParser.parseString(
                "[{\"janus\":\"hangup\",\"reason\":\"Gathering error\"}]")));
        assertThrows(IOException.class, () -> JanusSignalling.offerIn(JsonParser.parseString(
                "{\"janus\":\"event\",\"plugindata\":{\"data\":{\"error_code\":455,\"error\":\"No such mountpoint\"}}}")));
    }
}
