package org.stateos.webrtc.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.webrtc.internal.rtp.PacketizedFrame;

/** One packetization per frame for every viewer's duplicate; other frames, streams or arguments packetize anew. */
class SharedPayloadsTest {
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x0f, (byte) 0xc8};

    private static Frame frame(long pts, int size, int seed) {
        byte[] nal = new byte[size];
        new Random(seed).nextBytes(nal);
        nal[0] = 0x65;
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer();
        b.writeInt(size).writeBytes(nal);
        return new Frame(0, Codec.H264, pts, pts, 1_000_000 + pts, Frame.KEYFRAME, 1, b);
    }

    @Test
    void viewersDuplicatesShareOnePacketization() {
        SharedPayloads shared = new SharedPayloads();
        Frame published = frame(3000, 30_000, 1);
        Frame a = published.retainedDuplicate();
        Frame b = published.retainedDuplicate();
        Frame flagged = published.withFlags(published.flags() | Frame.DISCONTINUITY);
        try {
            PacketizedFrame pa = shared.payloads("cam", a, 4, List.of(SPS, PPS), 1200);
            assertSame(pa, shared.payloads("cam", b, 4, List.of(SPS.clone(), PPS.clone()), 1200), "same sets by content");
            assertSame(pa, shared.payloads("cam", flagged, 4, List.of(SPS, PPS), 1200));
            assertEquals(1, shared.misses());
            assertEquals(2, shared.hits());
            assertNotSame(pa, shared.payloads("other", b, 4, List.of(SPS, PPS), 1200), "another stream");
            assertNotSame(pa, shared.payloads("cam", b, 4, List.of(), 1200), "without parameter sets");
            assertNotSame(pa, shared.payloads("cam", b, 4, List.of(SPS, PPS), 1000), "another payload limit");
            assertEquals(27, pa.count(), "STAP-A and 26 FU-A fragments (29 999 bytes after the NAL header)");
        } finally {
            a.release();
            b.release();
            flagged.release();
            published.release();
        }
    }

    @Test
    void anotherFrameOfTheSameSizeAndTimeInAnotherBufferIsPacketizedAgain() {
        SharedPayloads shared = new SharedPayloads();
        Frame one = frame(3000, 5000, 1);
        Frame two = frame(3000, 5000, 2);
        try {
            PacketizedFrame p1 = shared.payloads("cam", one, 4, List.of(), 1200);
            PacketizedFrame p2 = shared.payloads("cam", two, 4, List.of(), 1200);
            assertNotSame(p1, p2);
            assertEquals(2, shared.misses());
            // many other frames later the first is gone from the cache and made again
            for (int i = 0; i < SharedPayloads.ENTRIES; i++) {
                Frame f = frame(6000 + i, 100, i);
                shared.payloads("cam", f, 4, List.of(), 1200);
                f.release();
            }
            assertNotSame(p1, shared.payloads("cam", one, 4, List.of(), 1200));
        } finally {
            one.release();
            two.release();
        }
    }

    @Test
    void malformedAccessUnitIsRefusedEveryTime() {
        SharedPayloads shared = new SharedPayloads();
        ByteBuf bad = PooledByteBufAllocator.DEFAULT.heapBuffer().writeInt(500).writeByte(0x65);
        Frame f = new Frame(0, Codec.H264, 0, 0, 0, 0, 1, bad);
        try {
            assertThrows(IllegalArgumentException.class, () -> shared.payloads("cam", f, 4, List.of(), 1200));
            assertThrows(IllegalArgumentException.class, () -> shared.payloads("cam", f, 4, List.of(), 1200));
        } finally {
            f.release();
        }
    }
}
