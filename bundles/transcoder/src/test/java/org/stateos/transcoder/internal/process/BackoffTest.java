package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static final long START = WorkerOptions.DEFAULT_START_MILLIS;
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
    void workerOptionsRefuseWhatWouldLoadCodeFromElsewhere() {
        assertEquals(List.of("-Xmx64m", "-XX:+UseSerialGC"), WorkerOptions.parse("  -Xmx64m \t-XX:+UseSerialGC "));
        assertThrows(IllegalArgumentException.class,
                () -> new WorkerOptions(List.of("-javaagent:/tmp/a.jar"), 200, 10_000, 60_000, 5_000, 3, START));
        assertThrows(IllegalArgumentException.class,
                () -> new WorkerOptions(List.of("-Xbootclasspath/a:/tmp"), 200, 10_000, 60_000, 5_000, 3, START));
        assertThrows(IllegalArgumentException.class,
                () -> new WorkerOptions(List.of("-XX:VMOptionsFile=/tmp/x"), 200, 10_000, 60_000, 5_000, 3, START));
        assertThrows(IllegalArgumentException.class, () -> new WorkerOptions(List.of(), 500, 100, 60_000, 5_000, 3, START));
    }

    /** Review 5: native agents and commands run on an error or an OOM passed the -X/-D check. */
    @Test
    void workerOptionsRefuseNativeAgentsAndCommandsRunOnErrors() {
        for (String o : List.of("-Xrunjdwp:transport=dt_socket", "-Xrunhprof", "-XX:OnError=sh /tmp/x",
                "-XX:OnOutOfMemoryError=sh /tmp/x", "-Djava.library.path=/tmp/evil",
                "-Dorg.bytedeco.javacpp.pathsFirst=true")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new WorkerOptions(List.of("-Xmx64m", o), 200, 10_000, 60_000, 5_000, 3, START), o);
            assertEquals("worker JVM option '" + o + "' would load or run code from elsewhere", e.getMessage());
        }
        assertEquals(List.of("-Xmx96m", "-XX:+UseParallelGC", "-Dfoo=bar"),
                new WorkerOptions(List.of("-Xmx96m", "-XX:+UseParallelGC", "-Dfoo=bar"), 200, 10_000, 60_000, 5_000, 3,
                        START).jvmOptions(), "ordinary options pass");
    }

    @Test
    void exitCodesInWords() {
        assertEquals("killed by signal 9 (SIGKILL: the kernel's OOM killer or an operator)", ExitCause.describe(137));
        assertEquals("exited (3: out of memory, -XX:+ExitOnOutOfMemoryError)", ExitCause.describe(3));
        assertEquals("killed by signal 6 (SIGABRT: the JVM crashed, e.g. a fault in native code; see its hs_err file)",
                ExitCause.describe(134));
    }
}
