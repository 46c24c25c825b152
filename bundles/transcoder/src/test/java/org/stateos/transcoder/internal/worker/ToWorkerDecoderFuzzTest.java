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
 * The worker's decoder on arbitrary bytes: every message it returns is within the bounds (and encodes back to the
 * same bytes), anything else is a {@link WireException}; nothing else escapes.
 * {@code mvn test -pl bundles/transcoder -Pfuzz -Dfuzz.target=ToWorkerDecoderFuzzTest#decode -Dfuzz.seconds=600}
 */
class ToWorkerDecoderFuzzTest {
    static Stream<byte[]> seeds() {
        return Stream.of(Wire.encode(new Message.Open(1, 64_000, new byte[] {0x12, 0x10})),
                Wire.encode(new Message.Aac(1, 0, 0, new byte[] {0x21, 0x10, 0x04})), Wire.encode(new Message.Close(1)),
                WireTest.concat(Wire.encode(new Message.Close(2)), Wire.encode(new Message.Aac(2, 9, 9, new byte[9]))),
                new byte[0]);
    }

    @Timeout(60)   // the first input also pays for installing Jazzer's agent
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] input) throws IOException {
        MessageDecoder d = MessageDecoder.toWorker(new ByteArrayInputStream(input));
        int consumed = 0;
        try {
            Message m;
            while ((m = d.next()) != null) {
                if (m instanceof Message.Open o) {
                    assertTrue(o.id() > 0 && o.bitrate() >= Wire.MIN_BITRATE && o.bitrate() <= Wire.MAX_BITRATE);
                    assertTrue(o.audioSpecificConfig().length >= Wire.MIN_CONFIG
                            && o.audioSpecificConfig().length <= Wire.MAX_CONFIG);
                } else if (m instanceof Message.Aac a) {
                    assertTrue(a.id() > 0 && a.unit().length >= 1 && a.unit().length <= Wire.MAX_AAC_UNIT);
                } else {
                    assertTrue(m instanceof Message.Close c && c.id() > 0, m.toString());
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
