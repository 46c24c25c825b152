package org.stateos.transcoder.internal.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parent's decoder (what a worker running FFmpeg sends) on arbitrary bytes: every message it returns is within the bounds (and encodes back to the
 * same bytes), anything else is a {@link WireException}; nothing else escapes.
 * {@code mvn test -pl bundles/transcoder -Pfuzz -Dfuzz.target=FromWorkerDecoderFuzzTest#decode -Dfuzz.seconds=600}
 */
class FromWorkerDecoderFuzzTest {
    static Stream<byte[]> seeds() {
        return Stream.of(Wire.encode(new Message.Ready(77, 500)),
                Wire.encode(new Message.Opus(1, 0, 0, 0, new byte[] {(byte) 0xfc, 1, 2})),
                Wire.encode(new Message.Error(1, Message.Error.UNIT, 3, "refused")),
                WireTest.concat(Wire.encode(new Message.Error(0, 2, 0, "é")), Wire.encode(new Message.Opus(2, 9, 9, 9, new byte[9]))),
                new byte[0]);
    }

    @Timeout(60)   // the first input also pays for installing Jazzer's agent
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] input) throws IOException {
        MessageDecoder d = MessageDecoder.fromWorker(new ByteArrayInputStream(input));
        int consumed = 0;
        try {
            Message m;
            while ((m = d.next()) != null) {
                if (m instanceof Message.Ready r) {
                    assertTrue(r.pid() > 0 && r.nativesMillis() >= 0);
                } else if (m instanceof Message.Opus o) {
                    assertTrue(o.id() > 0 && o.packet().length >= 1 && o.packet().length <= Wire.MAX_OPUS_PACKET);
                } else {
                    Message.Error e = (Message.Error) m;
                    assertTrue(e.id() >= 0 && (e.kind() == 1 || e.kind() == 2) && e.consecutive() >= 0);
                    assertTrue(e.message().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= Wire.MAX_ERROR_TEXT);
                }
                byte[] again = Wire.encode(m);
                byte[] original = java.util.Arrays.copyOfRange(input, consumed, consumed + again.length);
                assertArrayEquals(original, again, "a decoded message encodes to the bytes it came from");
                consumed += again.length;
            }
        } catch (WireException refused) {
            // bad input, said clearly
        }
    }
}
