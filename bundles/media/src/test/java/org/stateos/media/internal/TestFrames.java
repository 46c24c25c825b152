package org.stateos.media.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.TrackConfig;

/**
 * Frames and configurations for tests. Every payload comes from an allocator (so Netty's leak detector at
 * PARANOID tracks it) and is remembered, so a test can assert that every reference was released.
 */
public final class TestFrames {
    private final List<ByteBuf> made = new ArrayList<>();

    public static TrackConfig video(int version) {
        return new TrackConfig(0, Codec.H264, version, new byte[] {1, 0x42, 0, 0x1e, (byte) 0xff, (byte) 0xe0, 0, 0},
                320, 240, 0, 0, 0);
    }

    public static TrackConfig audio(int version) {
        return new TrackConfig(1, Codec.AAC, version, new byte[] {0x12, 0x10}, 0, 0, 44100, 2, 0);
    }

    public synchronized ByteBuf buffer(byte[] bytes) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length).writeBytes(bytes);
        made.add(b);
        return b;
    }

    /** Video frame n of a 25 fps stream with a keyframe every {@code gop} frames. */
    public Frame video(int n, int gop, int size, long ingestMicros) {
        int flags = n % gop == 0 ? Frame.KEYFRAME : 0;
        byte[] b = new byte[size];
        b[0] = (byte) n;
        return new Frame(0, Codec.H264, n * 3600L, n * 3600L, ingestMicros, flags, 1, buffer(b));
    }

    /** Audio frame n (AAC at 46.875 frames/s: 1920 ticks each). */
    public Frame audio(int n, long ingestMicros) {
        return new Frame(1, Codec.AAC, n * 1920L, n * 1920L, ingestMicros, Frame.KEYFRAME, 1,
                buffer(new byte[] {(byte) n, 1, 2, 3}));
    }

    public synchronized int made() {
        return made.size();
    }

    /** Every payload made here has been released exactly down to zero. */
    public synchronized void assertAllReleased() {
        for (int i = 0; i < made.size(); i++) {
            assertEquals(0, made.get(i).refCnt(), "payload " + i + " of " + made.size() + " still referenced");
        }
    }
}
