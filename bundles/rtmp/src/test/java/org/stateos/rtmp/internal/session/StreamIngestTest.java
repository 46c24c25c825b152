package org.stateos.rtmp.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.TrackConfig;

class StreamIngestTest {
    static final String SPS = "6742c00dda0507ec0440000003004000000c83c50aa8";
    static final String PPS = "68ce3880";

    final List<TrackConfig> tracks = new ArrayList<>();
    final List<Frame> frames = new ArrayList<>();
    final List<String> statuses = new ArrayList<>();
    final List<ByteBuf> inputs = new ArrayList<>();
    final Publication pub = new Publication() {
        @Override
        public String streamName() {
            return "s";
        }

        @Override
        public void track(TrackConfig config) {
            tracks.add(config);
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
    final StreamIngest ingest = new StreamIngest(pub, (level, code, text) -> statuses.add(level + " " + code + " " + text),
            () -> 1_700_000_000_000_000L, UnpooledByteBufAllocator.DEFAULT);

    @AfterEach
    void release() {
        frames.forEach(Frame::release);
        inputs.forEach(ByteBuf::release);
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "frames hold no reference after their release");
        }
    }

    static byte[] avcSequenceHeader() {
        byte[] sps = HexFormat.of().parseHex(SPS);
        byte[] pps = HexFormat.of().parseHex(PPS);
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {0x17, 0, 0, 0, 0, 1, 0x42, (byte) 0xC0, 0x0D, (byte) 0xFF, (byte) 0xE1});
        b.writeShort(sps.length).writeBytes(sps).writeByte(1).writeShort(pps.length).writeBytes(pps);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    static byte[] picture(boolean key, int cts) {
        return new byte[] {(byte) (key ? 0x17 : 0x27), 1, (byte) (cts >> 16), (byte) (cts >> 8), (byte) cts, 0, 0, 0, 2,
            (byte) (key ? 0x65 : 0x41), (byte) 0x9a};
    }

    /** Tags as the fuzz test frames them: two length bytes (top bit: audio) before each. */
    static byte[] sampleTags() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] t : List.of(avcSequenceHeader(), picture(true, 0), picture(false, 80))) {
            out.write(t.length >> 8);
            out.write(t.length);
            out.writeBytes(t);
        }
        for (byte[] t : List.of(new byte[] {(byte) 0xAE, 0, 0x12, 0x08}, new byte[] {(byte) 0xAF, 1, 0x21, 0x10})) {
            out.write(0x80 | t.length >> 8);
            out.write(t.length);
            out.writeBytes(t);
        }
        return out.toByteArray();
    }

    ByteBuf buf(byte[] bytes) {
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        inputs.add(b);
        return b;
    }

    @Test
    void sequenceHeaderThenPicturesGiveVersionedConfigAndFramesSlicedFromTheInput() throws Exception {
        ingest.video(1000, buf(avcSequenceHeader()));
        ingest.video(1000, buf(avcSequenceHeader())); // repeated unchanged: no new version
        ByteBuf key = buf(picture(true, 0));
        ingest.video(1000, key);
        ingest.video(1040, buf(picture(false, 0)));
        assertEquals(1, tracks.size());
        TrackConfig c = tracks.get(0);
        assertEquals(Codec.H264, c.codec());
        assertEquals(320, c.width());
        assertEquals(240, c.height());
        assertEquals(1_700_000_000_000_000L, c.ingestMicros());
        assertEquals(2, frames.size());
        Frame f = frames.get(0);
        assertTrue(f.isKeyframe());
        assertEquals(Frame.millisToTicks(1000), f.dts());
        assertEquals("000000026588".substring(0, 10) + "9a", io.netty.buffer.ByteBufUtil.hexDump(f.payload()));
        assertEquals(2, key.refCnt(), "the frame holds a slice of the received buffer, not a copy");
        assertEquals(Frame.millisToTicks(1040), frames.get(1).dts());
        assertFalse(frames.get(1).isKeyframe());
        assertTrue(statuses.isEmpty(), statuses.toString());
    }

    @Test
    void compositionTimeGivesPtsAndOneBFramesWarning() throws Exception {
        ingest.video(0, buf(avcSequenceHeader()));
        ingest.video(0, buf(picture(true, 80)));
        ingest.video(40, buf(picture(false, 120)));
        assertEquals(Frame.millisToTicks(80), frames.get(0).pts());
        assertEquals(Frame.millisToTicks(160), frames.get(1).pts());
        assertEquals(1, statuses.size(), statuses.toString());
        assertTrue(statuses.get(0).startsWith("warning NetStream.Publish.Warning B-frames detected"));
        assertTrue(statuses.get(0).contains("bframes=0"));
    }

    @Test
    void timestampsContinueAcrossThe32BitWrap() throws Exception {
        ingest.video(0xFFFFFFC0L, buf(avcSequenceHeader()));
        ingest.video(0xFFFFFFC0L, buf(picture(true, 0)));
        ingest.video(0x00000010L, buf(picture(false, 0)));
        assertEquals(Frame.millisToTicks(0xFFFFFFC0L), frames.get(0).dts());
        assertEquals(Frame.millisToTicks(0x100000010L), frames.get(1).dts());
        assertFalse(frames.get(1).isDiscontinuity());
    }

    @Test
    void longKeyframeIntervalIsReportedOnce() throws Exception {
        ingest.video(0, buf(avcSequenceHeader()));
        ingest.video(0, buf(picture(true, 0)));
        ingest.video(3000, buf(picture(false, 0)));
        assertTrue(statuses.isEmpty());
        ingest.video(4200, buf(picture(false, 0)));
        ingest.video(8400, buf(picture(true, 0)));
        ingest.video(16800, buf(picture(true, 0)));
        assertEquals(1, statuses.size(), statuses.toString());
        assertTrue(statuses.get(0).contains("keyframe interval"), statuses.get(0));
    }

    @Test
    void unsupportedCodecIsReportedOnceAndFramesBeforeConfigAreDroppedWithAWarning() throws Exception {
        ingest.audio(0, buf(new byte[] {0x2F, (byte) 0xFF, (byte) 0xFB}));
        ingest.audio(20, buf(new byte[] {0x2F, (byte) 0xFF, (byte) 0xFB}));
        ingest.video(0, buf(picture(true, 0)));
        ingest.video(40, buf(picture(true, 0)));
        assertEquals(2, statuses.size(), statuses.toString());
        assertTrue(statuses.get(0).contains("NetStream.Publish.UnsupportedCodec MP3 audio"), statuses.get(0));
        assertTrue(statuses.get(1).contains("before their sequence header"), statuses.get(1));
        assertTrue(frames.isEmpty());
    }

    @Test
    void hevcIsPublishedForTranscodingWithANotice() throws Exception {
        ByteBuf config = Unpooled.buffer().writeBytes(new byte[] {(byte) 0x90, 'h', 'v', 'c', '1', 1});
        config.writeZero(20).writeByte(0xFF).writeByte(0);
        inputs.add(config);
        ingest.video(0, config);
        ingest.video(0, buf(new byte[] {(byte) 0x91, 'h', 'v', 'c', '1', 0, 0, 0, 0, 0, 0, 2, 0x26, 0x01}));
        assertEquals(Codec.HEVC, tracks.get(0).codec());
        assertFalse(tracks.get(0).codec().webRtcNative());
        assertEquals(1, frames.size());
        assertEquals(Codec.HEVC, frames.get(0).codec());
        assertTrue(statuses.get(0).contains("transcoded"), statuses.toString());
    }

    @Test
    void aacConfigAndFrames() throws Exception {
        ingest.audio(0, buf(new byte[] {(byte) 0xAE, 0, 0x12, 0x08}));
        ingest.audio(23, buf(new byte[] {(byte) 0xAF, 1, 0x21, 0x10, 0x05}));
        assertEquals(44100, tracks.get(0).sampleRate());
        assertEquals(1, tracks.get(0).track());
        assertEquals(1, frames.size());
        assertEquals(1, frames.get(0).track());
        assertEquals(3, frames.get(0).size());
        assertTrue(frames.get(0).isKeyframe());
    }

    @Test
    void changedSequenceHeaderBumpsTheVersion() throws Exception {
        ingest.video(0, buf(avcSequenceHeader()));
        byte[] other = avcSequenceHeader();
        other[other.length - 1] ^= 0x01; // a different PPS
        ingest.video(40, buf(other));
        ingest.video(40, buf(picture(true, 0)));
        assertEquals(2, tracks.size());
        assertEquals(2, tracks.get(1).version());
        assertEquals(2, frames.get(0).configVersion());
    }
}
