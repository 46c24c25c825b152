package org.stateos.webrtc.internal.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.rtp.H264Profile;
import org.stateos.webrtc.internal.sdp.Negotiation.Role;

class NegotiatorTest {
    private static final H264Profile CONSTRAINED_BASELINE = new H264Profile(66, 0xc0, 0x1f);
    private static final H264Profile HIGH = new H264Profile(100, 0, 0x28);
    private static final H264Profile MAIN = new H264Profile(77, 0x40, 0x1f);

    private static SessionDescription chrome() throws SdpException {
        return new SdpParser().parse(SdpFixtures.chromeOffer());
    }

    @Test
    void baselineStreamGetsConstrainedBaselinePacketizationMode1() throws SdpException {
        Negotiation n = Negotiator.negotiate(chrome(), CONSTRAINED_BASELINE, false);
        assertEquals(106, n.videoPayloadType()); // 42e01f pm=1, not 102 (42001f) nor 104/108 (pm=0)
        assertEquals("42e01f", n.videoProfile().toString());
        assertEquals(List.of("ccm fir", "nack", "nack pli"), n.videoFeedback().stream().map(RtcpFeedback::text).toList());
        assertEquals("Xk9q", n.remoteUfrag());
        assertEquals("sha-256", n.remoteFingerprint().algorithm());
    }

    @Test
    void highAndMainStreamsGetTheirOwnProfile() throws SdpException {
        assertEquals(112, Negotiator.negotiate(chrome(), HIGH, false).videoPayloadType());
        assertEquals(127, Negotiator.negotiate(chrome(), MAIN, false).videoPayloadType());
        // unknown stream profile: constrained baseline, which every browser sends and receives
        assertEquals(106, Negotiator.negotiate(chrome(), null, false).videoPayloadType());
    }

    @Test
    void fallsBackToAnyPacketizationMode1WhenTheProfileIsNotOffered() throws SdpException {
        String offer = SdpFixtures.chromeOffer().replace("profile-level-id=64001f", "profile-level-id=f4001f");
        assertEquals(102, Negotiator.negotiate(new SdpParser().parse(offer), HIGH, false).videoPayloadType());
    }

    @Test
    void aacOnlyStreamRejectsTheAudioSectionAndOpusStreamAcceptsIt() throws SdpException {
        Negotiation aac = Negotiator.negotiate(chrome(), CONSTRAINED_BASELINE, false);
        assertFalse(aac.sendsAudio());
        assertEquals(Role.REJECTED, aac.sections().get(1).role());
        assertEquals(List.of("0"), aac.bundleMids());
        Negotiation opus = Negotiator.negotiate(chrome(), CONSTRAINED_BASELINE, true);
        assertEquals(111, opus.audioPayloadType());
        assertEquals(List.of("0", "1"), opus.bundleMids());
    }

    @Test
    void offerWithoutH264IsNotAcceptable() throws SdpException {
        String vp8Only = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\n"
                + "a=rtpmap:96 VP8/90000\r\n";
        SdpException e = assertThrows(SdpException.class, () -> Negotiator.negotiate(new SdpParser().parse(vp8Only), null, false));
        assertEquals(406, e.status());
        assertTrue(e.getMessage().contains("no H264 (offered: VP8)"), e.getMessage());

        String pm0 = vp8Only.replace("a=rtpmap:96 VP8/90000\r\n", "a=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=42e01f\r\n");
        e = assertThrows(SdpException.class, () -> Negotiator.negotiate(new SdpParser().parse(pm0), null, false));
        assertTrue(e.getMessage().contains("packetization-mode 0"), e.getMessage());

        String sendonly = SdpFixtures.chromeOffer().replaceFirst("a=recvonly", "a=sendonly");
        e = assertThrows(SdpException.class, () -> Negotiator.negotiate(new SdpParser().parse(sendonly), null, false));
        assertTrue(e.getMessage().contains("does not receive"), e.getMessage());
    }

    @Test
    void refusesOffersWithoutIceDtlsOrRtcpMux() throws SdpException {
        assertEquals(400, assertThrows(SdpException.class, () -> Negotiator.negotiate(new SdpParser().parse(
                SdpFixtures.chromeOffer().replace("a=setup:actpass", "a=setup:passive")), null, false)).status());
        SdpException noMux = assertThrows(SdpException.class, () -> Negotiator.negotiate(new SdpParser().parse(
                SdpFixtures.chromeOffer().replace("a=rtcp-mux\r\n", "")), null, false));
        assertTrue(noMux.getMessage().contains("rtcp-mux"));
        SdpException noFp = assertThrows(SdpException.class, () -> Negotiator.negotiate(new SdpParser().parse(
                SdpFixtures.chromeOffer().replaceAll("a=fingerprint:[^\r]*\r\n", "")), null, false));
        assertTrue(noFp.getMessage().contains("fingerprint"));
    }

    @Test
    void answerHasIceLiteBundlePassiveSendonlyAndOneHostCandidatePerAddress() throws SdpException {
        Negotiation n = Negotiator.negotiate(chrome(), CONSTRAINED_BASELINE, false);
        String answer = AnswerWriter.write(n, SdpFixtures.local(), 42, "cname-1", "stateos-cam", 0x11223344, 0);
        assertTrue(answer.endsWith("\r\n"));
        SessionDescription parsed = new SdpParser().parse(answer); // our answer is valid SDP
        assertTrue(answer.contains("\r\na=ice-lite\r\n"));
        assertTrue(answer.contains("\r\na=group:BUNDLE 0\r\n"));
        MediaDescription v = parsed.media().get(0);
        assertEquals(List.of("106"), v.formats());
        assertEquals(8189, v.port());
        assertEquals(Direction.SENDONLY, v.direction());
        assertEquals("passive", v.setup());
        assertTrue(v.rtcpMux());
        assertEquals("srvU", v.iceUfrag());
        assertEquals("1", v.fmtp(106).get("packetization-mode"));
        assertEquals("42e01f", v.fmtp(106).get("profile-level-id"));
        assertTrue(answer.contains("a=candidate:1 1 udp 2130706431 192.0.2.10 8189 typ host\r\n"), answer);
        assertTrue(answer.contains("a=candidate:2 1 udp 2130706175 2001:db8:0:0:0:0:0:10 8189 typ host\r\n"), answer);
        assertTrue(answer.contains("a=ssrc:287454020 cname:cname-1\r\n"));
        assertTrue(answer.contains("c=IN IP4 192.0.2.10\r\n"));
        MediaDescription a = parsed.media().get(1);
        assertEquals(0, a.port()); // AAC-only stream: audio rejected per JSEP
        assertEquals("1", a.mid());
    }
}
