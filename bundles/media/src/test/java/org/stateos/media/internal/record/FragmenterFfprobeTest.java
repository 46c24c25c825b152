package org.stateos.media.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.H264Source;
import org.stateos.media.internal.TestFrames;
import org.stateos.media.internal.mp4.Mp4Verifier;

/** A real x264 stream through the fragmenter into a file that ffprobe decodes frame by frame. */
class FragmenterFfprobeTest {
    @TempDir
    Path dir;

    @Test
    void ffprobeCountsEveryFrameOfTheFragmentedFile() throws Exception {
        H264Source src = H264Source.generate(dir, 100);
        assertEquals(100, src.units.size());
        TestFrames frames = new TestFrames();
        TrackFragmenter tf = new TrackFragmenter(0);
        tf.configure(new TrackConfig(0, Codec.H264, 1, src.avcc, 320, 240, 0, 0, 0));
        List<Fragment> out = new ArrayList<>();
        long t0 = 1_700_000_000_000_000L;
        for (int i = 0; i < src.units.size(); i++) {
            Frame f = new Frame(0, Codec.H264, i * 3600L, i * 3600L, t0 + i * 40_000L,
                    src.keys.get(i) ? Frame.KEYFRAME : 0, 1, frames.buffer(src.units.get(i)));
            tf.place(f);
            if (f.isKeyframe() && !tf.isEmpty()) {
                out.add(tf.cut(f));
            }
            tf.add(f);
            f.release();
        }
        out.add(tf.cut(null));
        frames.assertAllReleased();
        assertEquals(4, out.size(), "one fragment per 25-frame GOP");
        Path mp4 = dir.resolve("out.mp4");
        try (OutputStream o = Files.newOutputStream(mp4)) {
            o.write(tf.init());
            long expectedBase = 0;
            for (Fragment f : out) {
                Mp4Verifier.FragmentInfo info = Mp4Verifier.fragment(f.bytes());
                assertEquals(expectedBase, info.baseDecodeTime(), "fragments follow each other on the timeline");
                assertTrue(info.startsWithSync());
                expectedBase += info.duration();
                o.write(f.bytes());
            }
        }
        for (int i = 1; i < out.size(); i++) {
            assertEquals(out.get(i - 1).endMicros(), out.get(i).startMicros(), "spans leave no gap");
        }
        assertEquals(100, H264Source.countFrames(mp4));
    }
}
