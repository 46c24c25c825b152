package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
    static final long START = WorkerOptions.DEFAULT_START_MILLIS;

    private static WorkerOptions with(String... jvm) {
        return new WorkerOptions(List.of(jvm), 200, 10_000, 60_000, 5_000, 3, START);
    }

    private static IllegalArgumentException refused(String option) {
        return assertThrows(IllegalArgumentException.class, () -> with("-Xmx64m", option), option);
    }

    @Test
    void parsesOnWhiteSpaceAndChecksTheDelays() {
        assertEquals(List.of("-Xmx64m", "-XX:+UseSerialGC"), WorkerOptions.parse("  -Xmx64m \t-XX:+UseSerialGC "));
        assertEquals(List.of(), WorkerOptions.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new WorkerOptions(List.of(), 500, 100, 60_000, 5_000, 3, START));
    }

    @Test
    void theDefaultAndEveryOptionOnTheListWithAValidValuePass() {
        List<String> all = List.of("-Xmx64m", "-Xms16M", "-Xmn8m", "-Xss512k", "-Xmx1g", "-Xmx67108864",
                "-XX:MaxDirectMemorySize=32m", "-XX:MetaspaceSize=16m", "-XX:MaxMetaspaceSize=64m",
                "-XX:+UseSerialGC", "-XX:-UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=50", "-XX:ParallelGCThreads=1", "-XX:ConcGCThreads=1",
                "-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation", "-XX:+TieredCompilation", "-XX:CICompilerCount=2",
                "-XX:ReservedCodeCacheSize=16m", "-XX:ActiveProcessorCount=1", "-XX:+PreserveFramePointer",
                "-XX:-AlwaysPreTouch", "-Dfile.encoding=UTF-8");
        assertEquals(all, with(all.toArray(String[]::new)).jvmOptions());
        assertEquals(WorkerOptions.DEFAULT_JVM, with(WorkerOptions.DEFAULT_JVM.toArray(String[]::new)).jvmOptions());
    }

    /** Review 5 leftover: a deny-list passed every option it did not know, e.g. -XX:+StartAttachListener or -Dfoo. */
    @Test
    void anOptionNotOnTheAllowListIsRefusedNamingItAndTheReadme() {
        for (String o : List.of("-javaagent:/tmp/a.jar", "-agentlib:jdwp", "-Xbootclasspath/a:/tmp",
                "-XX:VMOptionsFile=/tmp/x", "-XX:Flags=/tmp/x", "-Xrunjdwp:transport=dt_socket", "-Xrunhprof",
                "-XX:OnError=sh /tmp/x", "-XX:OnOutOfMemoryError=sh /tmp/x", "-Djava.library.path=/tmp/evil",
                "-Dorg.bytedeco.javacpp.pathsFirst=true", "-Djava.class.path=/tmp", "-Dfoo=bar",
                "-XX:+StartAttachListener", "-XX:+UnlockDiagnosticVMOptions", "-XX:+EnableDynamicAgentLoading",
                "-XX:CompileCommandFile=/tmp/x", "-XX:+UseZGC", "-XX:UseSerialGC", "-Xshare:off", "-Xlog:gc",
                "-Dfile.encodingX=UTF-8", "-Dfile.encoding", "-X", "--add-opens=java.base/java.lang=ALL-UNNAMED")) {
            IllegalArgumentException e = refused(o);
            assertEquals("worker JVM option '" + o + "' is not allowed; " + JvmOptionAllowList.SEE, e.getMessage());
        }
    }

    /** The name is matched exactly, not as a prefix: -Xmxfoo is -Xmx with a bad size, not an -Xmx option. */
    @Test
    void anAllowedOptionWithAValueItDoesNotTakeIsRefusedSayingWhatItTakes() {
        assertEquals("worker JVM option '-Xmxfoo': -Xmx takes a size such as 64m", refused("-Xmxfoo").getMessage());
        assertEquals("worker JVM option '-Xmx': -Xmx takes a size such as 64m", refused("-Xmx").getMessage());
        assertEquals("worker JVM option '-Xss1m;x': -Xss takes a size such as 64m", refused("-Xss1m;x").getMessage());
        assertEquals("worker JVM option '-XX:MaxGCPauseMillis=x': -XX:MaxGCPauseMillis takes a whole number",
                refused("-XX:MaxGCPauseMillis=x").getMessage());
        assertEquals("worker JVM option '-XX:TieredStopAtLevel=7': -XX:TieredStopAtLevel takes a level 0 to 4",
                refused("-XX:TieredStopAtLevel=7").getMessage());
        assertEquals("worker JVM option '-XX:MaxDirectMemorySize=': -XX:MaxDirectMemorySize takes a size such as 64m",
                refused("-XX:MaxDirectMemorySize=").getMessage());
        assertTrue(refused("-Dfile.encoding=NO-SUCH-CHARSET").getMessage()
                .endsWith("-Dfile.encoding takes a charset name such as UTF-8"));
        assertTrue(refused("-Dfile.encoding=/tmp/x").getMessage().contains("charset name"));
    }
}
