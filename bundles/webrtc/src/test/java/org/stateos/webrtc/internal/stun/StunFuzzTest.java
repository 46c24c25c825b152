package org.stateos.webrtc.internal.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.webrtc.internal.ice.BindingOutcome;
import org.stateos.webrtc.internal.ice.IceCredentials;
import org.stateos.webrtc.internal.ice.IceLiteResponder;

/**
 * Fuzzes the STUN parser and the ICE-lite responder behind it: any datagram parses or fails with
 * {@link StunException}; the buffer's indexes never move; an answer, when there is one, is itself a well-formed
 * STUN message with a valid FINGERPRINT; nothing else is thrown and no buffer leaks (PARANOID leak detection).
 * {@code mvn test} replays the seeds and the kept findings under
 * {@code src/test/resources/org/stateos/webrtc/internal/stun/StunFuzzTestInputs/parseAndAnswer/}; real fuzzing:
 * <pre>
 * mvn test -pl bundles/webrtc -Pfuzz -Dfuzz.target=StunFuzzTest#parseAndAnswer -Dfuzz.seconds=600
 * </pre>
 */
class StunFuzzTest {
    /** A session whose credentials the seeds are signed with, so the fuzzer starts past MESSAGE-INTEGRITY. */
    static final IceCredentials SESSION = new IceCredentials("LUfr", "localpassword0123456789x", "peer",
            "peerpassword0123456789", StunIntegrity.key("localpassword0123456789x"));
    private static final IceLiteResponder<IceCredentials> RESPONDER =
            new IceLiteResponder<>(Map.of(SESSION.localUfrag(), SESSION)::get, Function.identity());
    private static final StunIntegrity INTEGRITY = new StunIntegrity();
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.9", 40000);

    static Stream<byte[]> seeds() {
        StunIntegrity integrity = new StunIntegrity();
        ByteBuf valid = StunWriter.bindingRequest(ByteBufAllocator.DEFAULT, new byte[12], SESSION.expectedUsername(),
                0x6e7f1eff, true, 7, SESSION.localKey(), integrity);
        ByteBuf unsigned = StunWriter.bindingRequest(ByteBufAllocator.DEFAULT, new byte[12], "x:y", 1, false, -1, null, integrity);
        try {
            return Stream.of(ByteBufUtil.getBytes(valid), ByteBufUtil.getBytes(unsigned),
                    HexFormat.of().parseHex(StunMessageTest.RFC5769_REQUEST), HexFormat.of().parseHex(StunMessageTest.RFC5769_RESPONSE),
                    new byte[0]);
        } finally {
            valid.release();
            unsigned.release();
        }
    }

    @Timeout(60) // the first input also pays for installing Jazzer's agent
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void parseAndAnswer(byte[] data) {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        try {
            StunMessage m = StunMessage.parse(b);
            if (m.length() != data.length || m.username() != null && m.username().length() > StunMessage.MAX_USERNAME_BYTES) {
                throw new IllegalStateException("parsed message disagrees with its input");
            }
            INTEGRITY.fingerprintValid(b, m);
            INTEGRITY.integrityValid(b, m, SESSION.localKey());
        } catch (StunException expected) {
            // the only failure allowed
        }
        BindingOutcome<IceCredentials> o = RESPONDER.answer(b, PEER, ByteBufAllocator.DEFAULT);
        if (o.response() != null) {
            try {
                StunMessage answer = StunMessage.parse(o.response());
                if (!INTEGRITY.fingerprintValid(o.response(), answer)) {
                    throw new IllegalStateException("answer with a bad FINGERPRINT");
                }
            } catch (StunException e) {
                throw new IllegalStateException("our own answer does not parse: " + e.getMessage());
            } finally {
                o.response().release();
            }
        }
        if (b.readerIndex() != 0 || b.writerIndex() != data.length) {
            throw new IllegalStateException("the parser moved the buffer's indexes");
        }
    }
}
