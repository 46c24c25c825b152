package org.stateos.media.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** An executor that runs tasks only when the test says: a viewer as slow as the test wants. */
public final class ManualExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable r) {
        tasks.add(r);
    }

    /** Runs queued tasks (and those they queue) until none is left. */
    public void runAll() {
        while (true) {
            Runnable r;
            synchronized (this) {
                r = tasks.poll();
            }
            if (r == null) {
                return;
            }
            r.run();
        }
    }

    public synchronized int pending() {
        return tasks.size();
    }
}
