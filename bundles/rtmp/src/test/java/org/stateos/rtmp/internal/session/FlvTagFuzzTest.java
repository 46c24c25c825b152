package org.stateos.rtmp.internal.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.TrackConfig;
import org.stateos.rtmp.internal.flv.FlvFormatException;

/**
 * Fuzzes the FLV video and audio tag parsers through {@link StreamIngest}, as the connection drives them: input
 * bytes are split into tags (two length bytes before each, the top bit choosing audio or video); each tag is
 * accepted or fails with {@link FlvFormatException}; every frame handed to the publication lies within its tag and
 * has pts >= dts; and when all frames are released no reference to the input is left.
 * <pre>mvn test -pl bundles/rtmp -Pfuzz -Dfuzz.target=FlvTagFuzzTest#tags</pre>
 */
@Tag("fuzz")
class FlvTagFuzzTest {

    static Stream<byte[]> seeds() {
        return Stream.of(StreamIngestTest.sampleTags());
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void tags(byte[] data) {
        List<ByteBuf> inputs = new ArrayList<>();
        List<Frame> frames = new ArrayList<>();
        Publication pub = new Publication() {
            @Override
            public String streamName() {
                return "fuzz";
            }

            @Override
            public void track(TrackConfig config) {
                if (config.configLength() > 1 << 16) {
                    throw new IllegalStateException("config of " + config.configLength() + " bytes");
                }
            }

            @Override
            public void frame(Frame frame) {
                frames.add(frame);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        StreamIngest ingest = new StreamIngest(pub, (level, code, text) -> { }, () -> 0L,
                UnpooledByteBufAllocator.DEFAULT);
        int pos = 0;
        long ts = 0;
        try {
            while (pos + 2 <= data.length) {
                int header = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
                boolean audio = (header & 0x8000) != 0;
                int len = Math.min(header & 0x7FFF, data.length - pos - 2);
                ByteBuf tag = Unpooled.buffer(len).writeBytes(data, pos + 2, len);
                inputs.add(tag);
                pos += 2 + len;
                ts += (header & 0x7) * 0x3FFFFFFL; // big steps now and then, to cross the 32-bit wrap
                try {
                    if (audio) {
                        ingest.audio(ts & 0xFFFFFFFFL, tag);
                    } else {
                        ingest.video(ts & 0xFFFFFFFFL, tag);
                    }
                } catch (FlvFormatException expected) {
                    // the one failure allowed; the connection would close
                }
            }
            for (Frame f : frames) {
                if (f.pts() < f.dts()) {
                    throw new IllegalStateException("pts before dts: " + f);
                }
                f.payload().forEachByte(b -> true);
            }
        } finally {
            frames.forEach(Frame::release);
            inputs.forEach(ByteBuf::release);
        }
        for (ByteBuf in : inputs) {
            if (in.refCnt() != 0) {
                throw new IllegalStateException("a tag is still referenced after all frames were released");
            }
        }
    }
}
