package org.stateos.media.internal;

import java.util.ArrayList;
import java.util.List;

/** Timers driven by the test: {@link #advance} runs what is due, with no real waiting. */
public final class ManualTimers implements Timers {
    private record Task(long due, Runnable task, boolean[] cancelled) {}

    private final List<Task> tasks = new ArrayList<>();
    private long nowMillis;

    @Override
    public synchronized Runnable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        tasks.add(new Task(nowMillis + delayMillis, task, cancelled));
        return () -> cancelled[0] = true;
    }

    public void advance(long millis) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            nowMillis += millis;
            tasks.removeIf(t -> {
                if (t.due <= nowMillis) {
                    due.add(t);
                    return true;
                }
                return false;
            });
        }
        for (Task t : due) {
            if (!t.cancelled[0]) {
                t.task.run();
            }
        }
    }
}
