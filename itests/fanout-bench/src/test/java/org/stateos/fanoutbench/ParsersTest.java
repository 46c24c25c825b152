package org.stateos.fanoutbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's readings of /proc, of the node's latency JSON and of Karaf .cfg files. */
class ParsersTest {
    @Test
    void procStatUtimePlusStimeEvenWithSpacesAndParensInTheName() {
        String line = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 0 0 20 0 40 0 99 0 0";
        assertEquals((1234 + 566) / 100.0, ProcCpu.parseStat(line), 1e-9);
    }

    @Test
    void coreBusyExcludesIdleAndIowait() {
        List<String> stat = List.of("cpu  1 2 3 4 5 6 7 8 0 0", "cpu0 100 0 50 800 50 0 25 0 0 0",
                "cpu1 10 0 10 10 0 0 0 0 0 0");
        ProcCpu.CoreTimes c = ProcCpu.parseCore(stat, 0);
        assertEquals(1.75, c.busySeconds(), 1e-9);
        assertEquals(0.25, c.softirqSeconds(), 1e-9);
        assertEquals(10.25, c.totalSeconds(), 1e-9);
        assertEquals(0.2, ProcCpu.parseCore(stat, 1).busySeconds(), 1e-9);
    }

    @Test
    void latencyPrefersTheLastIntervalAndToleratesItsAbsence() {
        var l = LatencyProbe.parse("{\"sinceStart\":{\"count\":9,\"p50Micros\":1,\"p95Micros\":2,\"p99Micros\":3,"
                + "\"maxMicros\":4},\"lastInterval\":{\"count\":5,\"p50Micros\":10,\"p95Micros\":20,\"p99Micros\":30,"
                + "\"maxMicros\":40}}").orElseThrow();
        assertEquals(5, l.count());
        assertEquals(30, l.p99Micros(), 1e-9);
        assertEquals(7, LatencyProbe.parse("{\"count\":7,\"p50Micros\":1,\"p95Micros\":2,\"p99Micros\":3,"
                + "\"maxMicros\":4}").orElseThrow().count());
        assertTrue(LatencyProbe.parse("not json").isEmpty());
        assertTrue(LatencyProbe.parse("{\"error\":\"no such route\"}").isEmpty());
    }

    @Test
    void cfgKeyIsReplacedNotDuplicated() {
        String cfg = "# comment\nport = 8189\nmax.sessions = 1000\n";
        assertEquals("# comment\nport = 8189\nmax.sessions = 1100\n", EsrTarget.setKey(cfg, "max.sessions", "1100"));
        assertEquals("port = 8189\nx = 1\n", EsrTarget.setKey("port = 8189\n", "x", "1"));
        assertEquals("# max.sessions = 5\nmax.sessions = 7\n", EsrTarget.setKey("# max.sessions = 5\n", "max.sessions", "7"));
    }

    @Test
    void stepVerdicts() {
        assertNull(Step.judge(100, 100, 0.2, null, true, 0.5, 50));
        assertNull(Step.judge(100, 100, 0.2, 49.9, true, 0.5, 50));
        assertEquals("2 of 100 viewers received nothing", Step.judge(100, 98, 0, null, true, 0.5, 50));
        assertEquals("loss 0.500 % >= 0.5 %", Step.judge(100, 100, 0.5, null, true, 0.5, 50));
        assertEquals("p99 latency 51.0 ms >= 50 ms", Step.judge(100, 100, 0.1, 51.0, true, 0.5, 50));
        assertEquals("server or publisher died", Step.judge(100, 100, 0, null, false, 0.5, 50));
    }

    @Test
    void heldIsTheLastPassingStepBeforeTheFirstFailure() {
        Step ok = step(100, null, 0.5, 0.2);
        Step bad = step(200, "loss 1.000 % >= 0.5 %", 0.95, 0.3);
        assertEquals(100, Report.held(List.of(step(50, null, 0.2, 0.1), ok, bad)).orElseThrow().viewers());
        assertTrue(Report.ranOut(List.of(ok, bad)).startsWith("server"));
        assertTrue(Report.ranOut(List.of(step(200, "x", 0.4, 0.9))).startsWith("load client"));
        assertTrue(Report.ranOut(List.of(step(200, "x", 0.4, 0.3))).startsWith("neither"));
    }

    @Test
    void reapedChildrenTimeIsFieldsSixteenAndSeventeen() {
        String line = "42 (java) S 1 42 42 0 -1 4194304 100 0 0 0 1234 566 300 25 20 0 57 0 1000 0 0";
        assertEquals((300 + 25) / 100.0, ProcCpu.parseChildrenStat(line), 1e-9);
        assertEquals((1234 + 566) / 100.0, ProcCpu.parseStat(line), 1e-9);
    }

    @Test
    void threadNamesComeFromTheStatLineEvenWithSpacesAndParentheses() {
        String c2 = "4242 (C2 CompilerThre) S 1 1 1 0 -1 4194368 0 0 0 0 350 25 0 0 20 0 1 0 100 0 0";
        assertEquals("C2 CompilerThre", ProcCpu.threadName(c2));
        assertEquals(3.75, ProcCpu.parseStat(c2), 1e-9);
        assertEquals("a) (b", ProcCpu.threadName("7 (a) (b) R 1 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 0 0"));
    }

    @Test
    void theMarginalCostLeavesTheTranscoderAndTheJitOut() {
        Step s = new Step("stateos", 100, 100, 0, 0, 1, 400, "AEAD_AES_128_GCM", 20, 0.40, 0.10, 0.003, 1, 0.01, 1,
                0.2, 0.002, null, null, 1000, 500, null, new Step.Split(0.05, 0.03, 0.0022));
        assertEquals(5.5, s.marginalMicrosPerPacket(), 1e-9);   // 0.22 % of a core per viewer / 400 pkt/s
        assertEquals(7.5, s.serverMicrosPerPacket(), 1e-9);
        assertTrue(Double.isNaN(step(100, null, 0.4, 0.2).marginalMicrosPerPacket()), "not measured: NaN");
    }

    @Test
    void theSlopeBetweenStepsIsWhatEachAddedViewerCostWithoutTranscoderAndJit() {
        Step a = new Step("stateos", 100, 100, 0, 0, 1, 400, "AEAD_AES_128_GCM", 20, 0.30, 0.10, 0.002, 1, 0.01, 1,
                0.2, 0.002, null, null, 1000, 500, null, new Step.Split(0.05, 0.05, 0.001));
        Step b = new Step("stateos", 200, 200, 0, 0, 1, 400, "AEAD_AES_128_GCM", 20, 0.46, 0.10, 0.0018, 1, 0.01, 1,
                0.3, 0.0015, null, null, 1000, 500, null, new Step.Split(0.05, 0.01, 0.0012));
        // rest: 0.20 at 100 viewers, 0.40 at 200 -> 0.2 % of a core per added viewer
        assertEquals(0.002, Step.slopePerViewer(a, b), 1e-12);
        assertTrue(Double.isNaN(Step.slopePerViewer(b, a)), "no viewer added");
        assertTrue(Double.isNaN(Step.slopePerViewer(step(100, null, 0.3, 0.2), b)), "no split");
    }

    @Test
    void theLeastSquaresSlopeRecoversALineAndSaysHowNoisyItIs() {
        // rest CPU = 0.03 + 0.002 per viewer, exactly, at 1, 50, 100 viewers; a failed step is left out
        List<Step> exact = List.of(split(1, 0.032), split(50, 0.130), split(100, 0.230),
                new Step("stateos", 200, 150, 5, 0, 1, 400, "AEAD_AES_128_GCM", 20, 0.9, 0.1, 0.004, 1, 0.01, 1,
                        0.3, 0.002, null, null, 1000, 500, "loss", new Step.Split(0.05, 0.01, 0.004)));
        SlopeFit f = SlopeFit.of(exact);
        assertEquals(3, f.steps());
        assertEquals(0.002, f.slope(), 1e-12);
        assertEquals(0.03, f.intercept(), 1e-12);
        assertEquals(0, f.slopeError(), 1e-12);
        assertEquals(1, f.rSquared(), 1e-12);
        assertEquals(5.0, f.microsPerPacket(), 1e-9);          // 0.2 % of a core per viewer / 400 pkt/s
        SlopeFit noisy = SlopeFit.of(List.of(split(1, 0.032), split(50, 0.150), split(100, 0.230)));
        assertTrue(noisy.slopeError() > 0 && noisy.rSquared() < 1, "a point off the line shows as error");
        assertNull(SlopeFit.of(List.of(split(50, 0.1))), "one step: no slope");
        assertNull(SlopeFit.of(List.of(split(50, 0.1), split(50, 0.2))), "one N: no slope");
    }

    /** A passing step whose CPU without transcoder (0.05) and JIT (0.01) is {@code rest}, 400 packets/s. */
    private static Step split(int n, double rest) {
        return new Step("stateos", n, n, 0, 0, 1, 400, "AEAD_AES_128_GCM", 20, rest + 0.06, 0.1, 0.001, 1, 0.01, 1,
                0.2, 0.002, null, null, 1000, 500, null, new Step.Split(0.05, 0.01, 0.001));
    }

    private static Step step(int n, String failure, double serverCore, double clientCore) {
        return new Step("stateos", n, n, 0, 0, 1, 300, "AEAD_AES_128_GCM", 20, serverCore, 0.1,
                (serverCore - 0.1) / n, 1, 0.01, 1, clientCore, clientCore / n, null, null, 1000, 500, failure,
                null);
    }
}
