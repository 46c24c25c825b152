package org.stateos.rtmp.internal.chunk;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the chunk stream decoder on arbitrary bytes, fed in two parts at a split the input chooses: it yields
 * messages within the maximum or throws {@link RtmpProtocolException}, nothing else; it allocates no more than the
 * bytes it was given (plus slack) whatever the length fields say; and once its outputs are released and it is
 * removed, no reference to the input is left. {@code mvn verify} replays
 * {@code src/test/resources/org/stateos/rtmp/internal/chunk/ChunkDecoderFuzzTestInputs/decode/}; real fuzzing:
 * <pre>mvn test -pl bundles/rtmp -Pfuzz -Dfuzz.target=ChunkDecoderFuzzTest#decode</pre>
 */
@Tag("fuzz")
class ChunkDecoderFuzzTest {
    static final int MAX_MESSAGE = 64 * 1024;
    static final long ALLOCATION_SLACK = 1 << 20;
    /**
     * Without the leak detector, whose access records (PARANOID) would dominate the allocation figure; the test
     * checks the references itself.
     */
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static Stream<byte[]> seeds() {
        byte[] sample = ChunkBytes.sample();
        byte[] withSplit = new byte[sample.length + 1];
        withSplit[0] = 37;
        System.arraycopy(sample, 0, withSplit, 1, sample.length);
        return Stream.of(withSplit, new byte[] {0, 2, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 1});
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int split = 1 + (data[0] & 0xFF) % data.length;
        // Once unmeasured: the first pass over a path loads classes and builds exception messages.
        run(data, split, false);
        run(data, split, true);
    }

    private static void run(byte[] data, int split, boolean measure) {
        ByteBuf first = ALLOC.heapBuffer(split - 1).writeBytes(data, 1, split - 1);
        ByteBuf second = ALLOC.heapBuffer(data.length - split).writeBytes(data, split, data.length - split);
        ChunkDecoder decoder = new ChunkDecoder(MAX_MESSAGE, 8);
        UnpooledByteBufAllocator alloc = ALLOC;
        long tid = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        try {
            drain(decoder, first, alloc);
            // what is left of the first part comes first, as a cumulation would have it
            ByteBuf rest = Unpooled.wrappedBuffer(first.retainedSlice(), second.retain());
            try {
                drain(decoder, rest, alloc);
            } finally {
                rest.release();
            }
        } catch (RtmpProtocolException expected) {
            // the one failure allowed
        } finally {
            decoder.releasePartials();
        }
        long allocated = THREADS.getThreadAllocatedBytes(tid) - before;
        if (measure && allocated > 64L * data.length + ALLOCATION_SLACK) {
            throw new IllegalStateException("decoding " + data.length + " bytes allocated " + allocated);
        }
        first.release();
        second.release();
        if (first.refCnt() != 0 || second.refCnt() != 0) {
            throw new IllegalStateException("input still referenced after everything was released: "
                    + first.refCnt() + ", " + second.refCnt());
        }
    }

    private static void drain(ChunkDecoder decoder, ByteBuf in, UnpooledByteBufAllocator alloc) {
        while (in.isReadable()) {
            int before = in.readerIndex();
            RtmpMessage m = decoder.readChunk(in, alloc);
            if (m != null) {
                try {
                    if (m.payload().readableBytes() > MAX_MESSAGE) {
                        throw new IllegalStateException("message over the maximum: " + m);
                    }
                    m.payload().forEachByte(b -> true); // every byte readable
                } finally {
                    m.release();
                }
            } else if (in.readerIndex() == before) {
                return; // incomplete chunk: wait for more
            }
        }
    }
}
