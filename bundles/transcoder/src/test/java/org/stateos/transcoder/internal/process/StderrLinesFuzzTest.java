package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker's stderr (outside bytes: the worker runs FFmpeg on them) cut into log lines: one line per newline (and one
 * for a last line without it), none longer than the maximum, no newline inside, nothing but bytes cut counted.
 * {@code mvn test -pl bundles/transcoder -Pfuzz -Dfuzz.target=StderrLinesFuzzTest#lines -Dfuzz.seconds=600}
 */
class StderrLinesFuzzTest {
    static final int MAX = 16;

    static Stream<byte[]> seeds() {
        return Stream.of("short\r\nline two\n".getBytes(StandardCharsets.UTF_8),
                "abcdefghijklmnoé€ and more after the cut\n\nlast".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, '\n', (byte) 0xff, (byte) 0xc3}, new byte[0]);
    }

    @Timeout(60)   // the first input also pays for installing Jazzer's agent
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void lines(byte[] input) throws IOException {
        List<String> texts = new ArrayList<>();
        long[] cut = new long[1];
        StderrLines.copy(new ByteArrayInputStream(input), MAX, (text, c) -> {
            assertTrue(c >= 0, "cut " + c);
            assertTrue(text.length() <= MAX && text.indexOf('\n') < 0, text);
            texts.add(text);
            cut[0] += c;
        });
        int newlines = 0;
        for (byte b : input) {
            newlines += b == '\n' ? 1 : 0;
        }
        boolean tail = input.length > 0 && input[input.length - 1] != '\n';
        assertEquals(newlines + (tail ? 1 : 0), texts.size(), "one line per newline, and the last one without");
        assertTrue(cut[0] <= input.length - newlines, "cut " + cut[0] + " of " + input.length + " bytes");
    }
}
