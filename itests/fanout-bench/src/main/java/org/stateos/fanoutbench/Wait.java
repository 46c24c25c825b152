package org.stateos.fanoutbench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline (polling every 200 ms). */
final class Wait {
    private Wait() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
