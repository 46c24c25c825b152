package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndStartsAgainAfterAHealthyRun() {
        Backoff b = new Backoff(200, 10_000, 60_000);
        assertEquals(200, b.after(5));
        assertEquals(400, b.after(5));
        assertEquals(800, b.after(5));
        assertEquals(1_600, b.after(5));
        assertEquals(3_200, b.after(5));
        assertEquals(6_400, b.after(5));
        assertEquals(10_000, b.after(5));
        assertEquals(10_000, b.after(59_999));
        assertEquals(200, b.after(60_000), "a worker that lived a minute was healthy");
        assertEquals(400, b.after(1));
    }

    @Test
    void exitCodesInWords() {
        assertEquals("killed by signal 9 (SIGKILL: the kernel's OOM killer or an operator)", ExitCause.describe(137));
        assertEquals("exited (3: out of memory, -XX:+ExitOnOutOfMemoryError)", ExitCause.describe(3));
        assertEquals("killed by signal 6 (SIGABRT: the JVM crashed, e.g. a fault in native code; see its hs_err file)",
                ExitCause.describe(134));
    }
}
