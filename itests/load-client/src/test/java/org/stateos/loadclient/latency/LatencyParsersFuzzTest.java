package org.stateos.loadclient.latency;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the parsers of outside bytes in the latency tools: the FLV filter (input from ffmpeg), the SEI reader and
 * the RTP-level stamp reader (input from the network). Each may refuse, never fail otherwise.
 * <pre>mvn test -pl itests/load-client -Pfuzz -Dfuzz.target=LatencyParsersFuzzTest#flv</pre>
 */
@Tag("fuzz")
class LatencyParsersFuzzTest {
    static Stream<byte[]> flvSeeds() {
        return Stream.of(FlvStamperTest.stream());
    }

    static Stream<byte[]> seiSeeds() {
        return Stream.of(StampSei.nal(1_795_313_933_339_123L), StampSei.nal(0));
    }

    @MethodSource("flvSeeds")
    @FuzzTest(maxDuration = "10m")
    void flv(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new FlvStamper(1 << 16, () -> 42).filter(new ByteArrayInputStream(data), out);
        } catch (FlvFormatException | EOFException expected) {
            return;
        }
        // what it wrote is FLV again: filtering it once more must succeed
        try {
            new FlvStamper(1 << 17, () -> 43).filter(new ByteArrayInputStream(out.toByteArray()), new ByteArrayOutputStream());
        } catch (FlvFormatException | EOFException e) {
            throw new IllegalStateException("the filter wrote a stream it cannot read back", e);
        }
    }

    @MethodSource("seiSeeds")
    @FuzzTest(maxDuration = "10m")
    void sei(byte[] data) {
        StampSei.read(data, 0, data.length);
        SeiStampReader r = new SeiStampReader((s, a) -> { }, () -> 0);
        for (int off = 0; off < data.length; off += 37) {
            int len = Math.min(37, data.length - off);
            r.onPacket(off / 74, (off / 37) % 2 == 1, data, off, len);
        }
    }
}
