package org.stateos.media.internal.registry;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.TrackConfig;
import org.stateos.media.internal.ManualTimers;
import org.stateos.media.internal.Settings;
import org.stateos.media.internal.TestFrames;

/**
 * On-demand figure for the README, not a test: publisher-thread cost per viewer per frame (enqueue, one drain
 * task per frame, the viewer releases the frame). Run with the test classpath:
 * {@code java -cp ... org.stateos.media.internal.registry.FanOutBench}.
 */
public final class FanOutBench {
    public static void main(String[] args) throws Exception {
        int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int frames = 20_000;
        AtomicLong now = new AtomicLong();
        MediaRegistry r = new MediaRegistry(Settings.DEFAULTS, now::get, new ManualTimers(), null);
        Publication p = r.publish("bench", "bench", x -> { });
        p.track(TestFrames.video(1));
        Executor direct = Runnable::run;
        for (int i = 0; i < viewers; i++) {
            r.subscribe("bench", new StreamSubscriber() {
                @Override
                public void onTrack(TrackConfig config) {
                }

                @Override
                public void onFrame(Frame frame) {
                    frame.release();
                }

                @Override
                public void onEnd(String reason) {
                }
            }, direct);
        }
        TestFrames tf = new TestFrames();
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                now.addAndGet(40_000);
                p.frame(tf.video(i, 50, 5000, now.get()));
            }
            long ns = System.nanoTime() - t0;
            System.out.printf("round %d: %d viewers, %.0f ns per frame, %.0f ns per viewer per frame%n", round, viewers,
                    ns / (double) frames, ns / (double) frames / viewers);
        }
        r.close();
    }
}
