package org.stateos.media.internal.mp4;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.media.internal.TestFrames;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the verifier that guards what the DVR route serves from the store: on any bytes it returns a summary
 * or throws {@link Mp4FormatException}, never anything else, and never hangs. {@code mvn test} replays the
 * seeds and any finding kept under
 * {@code src/test/resources/org/stateos/media/internal/mp4/Mp4VerifierFuzzTestInputs/verify/};
 * {@code JAZZER_FUZZ=1} fuzzes for the annotation's 10 minutes:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl bundles/media -Dtest=Mp4VerifierFuzzTest -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class Mp4VerifierFuzzTest {

    /** Valid pieces this bundle writes, so the fuzzer starts past the box headers. */
    static Stream<byte[]> pieces() {
        return Stream.of(
                InitSegment.of(TestFrames.video(1)),
                InitSegment.of(TestFrames.audio(1)),
                FragmentWriter.write(1, 0, List.of(new Sample(4, 3600, 0, true), new Sample(2, 3600, 0, false)), 6,
                        w -> w.bytes(new byte[6])),
                new byte[0]);
    }

    // Generous: the first input also pays for Jazzer's instrumentation, slow on a loaded 2-core machine.
    @Timeout(60)
    @MethodSource("pieces")
    @FuzzTest(maxDuration = "10m")
    void verify(byte[] data) {
        try {
            Mp4Verifier.FragmentInfo f = Mp4Verifier.fragment(data);
            if (f.samples() < 0 || f.duration() < 0) {
                throw new IllegalStateException("impossible summary " + f);
            }
        } catch (Mp4FormatException expected) {
            // refused with a reason: fine
        }
        try {
            Mp4Verifier.init(data);
        } catch (Mp4FormatException expected) {
            // refused with a reason: fine
        }
    }
}
