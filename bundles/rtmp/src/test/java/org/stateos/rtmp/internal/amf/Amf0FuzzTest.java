package org.stateos.rtmp.internal.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the AMF0 decoder: it returns values within the depth and count bounds or throws {@link AmfException};
 * what it decodes encodes to bytes that decode to the same encoding (a fixed point). Replayed by
 * {@code mvn verify} from {@code Amf0FuzzTestInputs/decode/}; real fuzzing:
 * <pre>mvn test -pl bundles/rtmp -Pfuzz -Dfuzz.target=Amf0FuzzTest#decode</pre>
 */
@Tag("fuzz")
class Amf0FuzzTest {
    static final Amf0.Limits LIMITS = new Amf0.Limits(8, 512);

    static Stream<byte[]> seeds() {
        Amf0.EcmaArray meta = new Amf0.EcmaArray();
        meta.put("width", 1280.0);
        meta.put("stereo", true);
        return Stream.of(
                encode("connect", 1.0, Amf0.object("app", "live", "tcUrl", "rtmp://h/live", "fpad", false)),
                encode("@setDataFrame", "onMetaData", meta),
                encode("publish", 5.0, Amf0.NULL, "name", "live", Amf0.UNDEFINED,
                        List.of(1.0, "x", List.of()), new Amf0.AmfDate(1.5e12, 0)),
                new byte[] {Amf0.LONG_STRING, 0, 0, 0, 2, 'h', 'i', Amf0.TYPED_OBJECT, 0, 1, 'T', 0, 0, 9});
    }

    static byte[] encode(Object... values) {
        ByteBuf buf = Unpooled.buffer();
        Amf0.encode(buf, values);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) {
        List<Object> values;
        try {
            values = Amf0.decodeAll(Unpooled.wrappedBuffer(data), LIMITS);
        } catch (AmfException expected) {
            return;
        }
        if (values.size() > LIMITS.maxValues()) {
            throw new IllegalStateException(values.size() + " values decoded");
        }
        byte[] once = encode(values.toArray());
        List<Object> again;
        try {
            again = Amf0.decodeAll(Unpooled.wrappedBuffer(once), new Amf0.Limits(LIMITS.maxDepth(), Integer.MAX_VALUE));
        } catch (AmfException e) {
            throw new IllegalStateException("what the decoder produced does not encode back: " + e.getMessage(), e);
        }
        byte[] twice = encode(again.toArray());
        if (!Arrays.equals(once, twice)) {
            throw new IllegalStateException("encode(decode(x)) is not a fixed point");
        }
    }
}
