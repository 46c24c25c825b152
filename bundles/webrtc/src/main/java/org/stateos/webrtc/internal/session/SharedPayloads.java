package org.stateos.webrtc.internal.session;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import org.stateos.api.media.Frame;
import org.stateos.webrtc.internal.rtp.H264Packetizer;
import org.stateos.webrtc.internal.rtp.PacketizedFrame;

/**
 * Packetizes each video frame once for every viewer of its stream: the first session to send a frame makes its
 * {@link PacketizedFrame}, the others find it here (the fan-out bench's JFR showed one packetization per viewer, a
 * copy of every frame per viewer). A frame is known by its stream, track, times, size and payload buffer (each
 * viewer holds its own duplicate of the same bytes), and the packetization arguments; the last
 * {@value #ENTRIES} frames are kept, enough for several streams interleaving on the loop. Thread-safe (sessions
 * may live on several loops); a miss only costs one more packetization.
 */
public final class SharedPayloads {
    static final int ENTRIES = 16;

    private final Key[] keys = new Key[ENTRIES];
    private final PacketizedFrame[] values = new PacketizedFrame[ENTRIES];
    private int next;
    private H264Packetizer packetizer;
    private long hits;
    private long misses;

    private record Key(String stream, int track, long pts, long dts, long ingestMicros, int size, Object buffer,
            int readerIndex, int nalLengthSize, List<byte[]> parameterSets, int maxPayload) {
        boolean matches(Key o) {
            return buffer == o.buffer && pts == o.pts && dts == o.dts && ingestMicros == o.ingestMicros
                    && size == o.size && readerIndex == o.readerIndex && track == o.track
                    && nalLengthSize == o.nalLengthSize && maxPayload == o.maxPayload && stream.equals(o.stream)
                    && sameSets(parameterSets, o.parameterSets);
        }

        private static boolean sameSets(List<byte[]> a, List<byte[]> b) {
            if (a == b) {
                return true;
            }
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!Arrays.equals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The payloads of {@code frame} (an H264 access unit in AVCC form), made now or by another viewer before.
     *
     * @throws IllegalArgumentException for a malformed access unit (see {@link H264Packetizer})
     */
    public synchronized PacketizedFrame payloads(String stream, Frame frame, int nalLengthSize, List<byte[]> parameterSets,
            int maxPayload) {
        ByteBuf payload = frame.payload();
        ByteBuf root = payload;
        while (root.unwrap() != null) {
            root = root.unwrap(); // through duplicates, slices and leak-detector wrappers to the memory itself
        }
        Key key = new Key(stream, frame.track(), frame.pts(), frame.dts(), frame.ingestMicros(), payload.readableBytes(),
                root, payload.readerIndex(), nalLengthSize, parameterSets, maxPayload);
        for (int i = 0; i < ENTRIES; i++) {
            Key k = keys[i];
            if (k != null && k.matches(key)) {
                hits++;
                return values[i];
            }
        }
        misses++;
        if (packetizer == null || packetizer.maxPayload() != maxPayload) {
            packetizer = new H264Packetizer(maxPayload);
        }
        PacketizedFrame f = packetizer.payloads(payload, nalLengthSize, parameterSets);
        keys[next] = key;
        values[next] = f;
        next = (next + 1) % ENTRIES;
        return f;
    }

    /** Frames found already packetized. */
    public synchronized long hits() {
        return hits;
    }

    /** Frames packetized. */
    public synchronized long misses() {
        return misses;
    }
}
