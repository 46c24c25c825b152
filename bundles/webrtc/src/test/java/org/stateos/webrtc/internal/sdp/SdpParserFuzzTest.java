package org.stateos.webrtc.internal.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.webrtc.internal.rtp.H264Profile;

/**
 * Fuzzes the SDP parser and what follows it on the WHEP path (negotiation, answer): any input parses or fails with
 * {@link SdpException} carrying 400 or 406, and an answer we write is SDP we parse back. {@code mvn test} replays
 * the seeds (and findings kept under src/test/resources/.../SdpParserFuzzTestInputs/parse/); real fuzzing:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl bundles/webrtc -Dtest=SdpParserFuzzTest -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class SdpParserFuzzTest {
    private static final SdpParser PARSER = new SdpParser(new SdpParser.Limits(16 * 1024, 400, 1024, 8, 64, 16));

    static Stream<byte[]> seeds() {
        return Stream.of(SdpFixtures.chromeOffer().getBytes(StandardCharsets.UTF_8),
                ("v=0\r\no=- 1 2 IN IP4 a\r\na=group:BUNDLE 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
                        + "a=rtcp-mux\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                        + "a=fingerprint:sha-256 AB:CD\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Timeout(60) // the first input also pays for installing Jazzer's agent over a classpath with Bouncy Castle
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            SessionDescription sd = PARSER.parse(text);
            Negotiation n = Negotiator.negotiate(sd, new H264Profile(66, 0xc0, 0x1f), data.length % 2 == 0);
            String answer = AnswerWriter.write(n, SdpFixtures.local(), 1, "c", "s", 1, 2);
            new SdpParser().parse(answer);
        } catch (SdpException e) {
            if (e.status() != 400 && e.status() != 406 || e.getMessage() == null || e.getMessage().length() > 300) {
                throw new IllegalStateException("unexpected refusal " + e.status() + ": " + e.getMessage());
            }
        }
    }
}
