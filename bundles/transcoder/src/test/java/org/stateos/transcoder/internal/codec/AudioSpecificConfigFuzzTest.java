package org.stateos.transcoder.internal.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AudioSpecificConfig parser on arbitrary bytes: it returns a configuration within the bounds native code
 * is given, or refuses with IllegalArgumentException; nothing else.
 * {@code mvn test -pl bundles/transcoder -Pfuzz -Dfuzz.target=AudioSpecificConfigFuzzTest#parse}
 */
class AudioSpecificConfigFuzzTest {
    static Stream<byte[]> seeds() {
        return Stream.of(new byte[] {0x12, 0x10}, new byte[] {0x11, (byte) 0x88}, new byte[] {0x2b, 0x12, 0x08, 0x00},
                new byte[] {(byte) 0xf8, 0x10, 0x00}, new byte[0]);
    }

    @Timeout(60)   // the first input also pays for installing Jazzer's agent
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
        AudioSpecificConfig c;
        try {
            c = AudioSpecificConfig.parse(input);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertTrue(input.length >= 2 && input.length <= AudioSpecificConfig.MAX_BYTES);
        assertTrue(c.objectType() >= 1 && c.objectType() <= 4, c.toString());
        assertTrue(c.sampleRate() >= 7350 && c.sampleRate() <= 96_000, c.toString());
        assertTrue(c.channels() >= 1 && c.channels() <= 8, c.toString());
    }
}
