package org.stateos.transcoder.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The transcoder tests' one wait: polls {@code condition} every 10 ms until it holds, failing after {@code timeout}. */
public final class Await {
    private Await() {
    }

    public static void until(BooleanSupplier condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            LockSupport.parkNanos(10_000_000L);
        }
    }
}
