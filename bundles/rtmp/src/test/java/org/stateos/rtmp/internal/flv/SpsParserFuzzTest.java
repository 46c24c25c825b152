package org.stateos.rtmp.internal.flv;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the H.264 SPS parser: a picture size within bounds or {@link FlvFormatException}, nothing else.
 * <pre>mvn test -pl bundles/rtmp -Pfuzz -Dfuzz.target=SpsParserFuzzTest#parse</pre>
 */
@Tag("fuzz")
class SpsParserFuzzTest {
    static Stream<byte[]> seeds() {
        return Stream.of(HexFormat.of().parseHex(SpsParserTest.X264_320X240_BASELINE),
                HexFormat.of().parseHex(SpsParserTest.X264_320X240_MAIN),
                HexFormat.of().parseHex(SpsParserTest.HIGH_1920X1080_CROPPED));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] data) {
        try {
            SpsParser.Sps sps = SpsParser.parse(data, 0, data.length);
            if (sps.width() < 1 || sps.height() < 1 || sps.width() > SpsParser.MAX_DIMENSION
                    || sps.height() > SpsParser.MAX_DIMENSION) {
                throw new IllegalStateException("picture size out of bounds: " + sps);
            }
        } catch (FlvFormatException expected) {
            // the one failure allowed
        }
    }
}
