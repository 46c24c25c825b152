package org.stateos.media.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.stateos.api.media.Frame;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.TrackConfig;

/** Records what a subscriber is told; releases every frame after noting it. */
public class RecordingSubscriber implements StreamSubscriber {
    public record Seen(int track, long dts, int flags, int configVersion) {
        public boolean key() {
            return (flags & Frame.KEYFRAME) != 0;
        }

        public boolean discontinuity() {
            return (flags & Frame.DISCONTINUITY) != 0;
        }
    }

    public final List<Object> events = new CopyOnWriteArrayList<>();
    public volatile String endReason;
    public volatile int ends;
    public volatile int gone;

    @Override
    public void onTrack(TrackConfig config) {
        events.add(config);
    }

    @Override
    public void onFrame(Frame frame) {
        try {
            events.add(new Seen(frame.track(), frame.dts(), frame.flags(), frame.configVersion()));
        } finally {
            frame.release();
        }
    }

    @Override
    public void onPublisherGone() {
        gone++;
        events.add("gone");
    }

    @Override
    public void onEnd(String reason) {
        endReason = reason;
        ends++;
    }

    public List<Seen> frames() {
        List<Seen> out = new ArrayList<>();
        for (Object o : events) {
            if (o instanceof Seen s) {
                out.add(s);
            }
        }
        return out;
    }

    public List<TrackConfig> tracks() {
        List<TrackConfig> out = new ArrayList<>();
        for (Object o : events) {
            if (o instanceof TrackConfig c) {
                out.add(c);
            }
        }
        return out;
    }

    /** Waits for a condition with a deadline; fails with {@code what} when it does not come. */
    public static void await(BooleanSupplier condition, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what);
            }
            Thread.sleep(5);   // polling a condition under a deadline, not a timed assertion
        }
    }
}
