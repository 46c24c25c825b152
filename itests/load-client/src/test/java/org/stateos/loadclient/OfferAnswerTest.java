package org.stateos.loadclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stateos.webrtc.internal.rtcp.RtcpPacket;
import org.stateos.webrtc.internal.rtcp.RtcpParser;
import org.stateos.webrtc.internal.rtp.H264Profile;
import org.stateos.webrtc.internal.sdp.AnswerWriter;
import org.stateos.webrtc.internal.sdp.Negotiation;
import org.stateos.webrtc.internal.sdp.Negotiator;
import org.stateos.webrtc.internal.sdp.SdpParser;
import org.stateos.webrtc.internal.transport.PeerTransport.LocalParameters;

/** Our offer through the node's own parser and negotiator; its answer back through ours; our RTCP through its parser. */
class OfferAnswerTest {
    static final String FP = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

    @Test
    void theNodeAcceptsOurOfferAndWeReadItsAnswer() throws Exception {
        String offer = Offer.build(42, "ufrg", "passwordpasswordpassword", FP);
        Negotiation n = Negotiator.negotiate(new SdpParser().parse(offer), new H264Profile(0x42, 0xc0, 0x1f), true);
        assertEquals("ufrg", n.remoteUfrag());
        assertEquals("passwordpasswordpassword", n.remotePwd());
        assertEquals(FP, n.remoteFingerprint().hex());
        assertTrue(n.sendsAudio());

        LocalParameters local = new LocalParameters("srvU", "serverpassword0123456789", "sha-256", FP,
                List.of(new InetSocketAddress("192.0.2.10", 8189), new InetSocketAddress("127.0.0.1", 8189)));
        Answer a = Answer.parse(AnswerWriter.write(n, local, 7, "cn", "s", 0x1111, 0x2222));
        assertEquals("srvU", a.iceUfrag());
        assertEquals("serverpassword0123456789", a.icePwd());
        assertEquals(FP, a.fingerprint().hex());
        assertEquals(local.candidates(), a.candidates());
        assertEquals(Offer.H264_CB, a.videoPayloadType(), "constrained baseline chosen for a baseline stream");
        assertEquals(Offer.OPUS, a.audioPayloadType());

        Negotiation videoOnly = Negotiator.negotiate(new SdpParser().parse(offer), null, false);
        assertEquals(-1, Answer.parse(AnswerWriter.write(videoOnly, local, 7, "cn", "s", 1, 2)).audioPayloadType(),
                "audio rejected with port 0 when the stream has no Opus");
    }

    @Test
    void ourReceiverReportAndNackParseAtTheNode() throws Exception {
        RtpReceiveStats video = new RtpReceiveStats(90_000);
        video.onPacket(65_534, 0, 0, 1);
        video.onPacket(3, 0, 1, 1);
        ByteBuf out = Unpooled.buffer();
        RtcpFeedback.receiverReport(out, 0x55, new RtcpFeedback.Block(0x1111, video, 0xABCD, 500_000_000L));
        RtcpFeedback.nack(out, 0x55, 0x1111, video.takeMissing());
        List<RtcpPacket> packets = RtcpParser.parse(out);
        RtcpPacket.ReceiverReport rr = (RtcpPacket.ReceiverReport) packets.get(0);
        RtcpPacket.ReportBlock b = rr.reports().get(0);
        assertEquals(0x1111, b.ssrc());
        assertEquals(4, b.cumulativeLost());
        assertEquals(0x10003, b.highestSequence());
        assertEquals(0xABCD, b.lastSr());
        assertEquals(32_768, b.delaySinceLastSr());
        RtcpPacket.Nack nack = (RtcpPacket.Nack) packets.get(1);
        assertEquals(List.of(65_535, 0, 1, 2), nack.lost(), "in wrap order");
    }
}
