package org.stateos.api.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class RealtimeSchedulingTest {
    private static final int CAP_SYS_NICE = 23;

    @Test
    void aThreadGetsFifoWhenThisProcessMayAndAClearRefusalWhenNot() throws Exception {
        Result r = onNewThread(() -> new Result(RealtimeScheduling.fifo(10), state()));
        if (mayUseRealtime(10) && !inRealtimeGroupWithoutBudget()) {
            assertTrue(r.outcome.applied(), r.outcome.detail());
            assertEquals(new RealtimeScheduling.State(RealtimeScheduling.SCHED_FIFO, 10), r.state);
        } else {
            assertFalse(r.outcome.applied());
            assertTrue(r.outcome.detail().contains("not permitted"), r.outcome.detail());
            assertEquals(new RealtimeScheduling.State(RealtimeScheduling.SCHED_OTHER, 0), r.state);
        }
    }

    @Test
    void aProcessStartedFromARealtimeThreadRunsAtTheNormalPolicy() throws Exception {
        assumeTrue(mayUseRealtime(10) && !inRealtimeGroupWithoutBudget(), "this process may not use SCHED_FIFO");
        String childPolicy = onNewThread(() -> {
            assertTrue(RealtimeScheduling.fifo(10).applied());
            try {
                Process p = new ProcessBuilder("sh", "-c", "cut -d' ' -f40,41 /proc/self/stat").start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                p.waitFor(5, TimeUnit.SECONDS);
                return out;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("0 0", childPolicy, "rt_priority and policy of a child of a SCHED_FIFO thread");
    }

    @Test
    void onlyTheCallingThreadChanges() throws Exception {
        RealtimeScheduling.State mine = RealtimeScheduling.currentThread();
        onNewThread(() -> RealtimeScheduling.fifo(10));
        assertEquals(mine, RealtimeScheduling.currentThread());
    }

    @Test
    void aPriorityOutsideOneToNinetyNineIsRefusedWithoutAsking() throws Exception {
        for (int p : new int[] {0, -1, 100}) {
            Result r = onNewThread(() -> new Result(RealtimeScheduling.fifo(p), state()));
            assertFalse(r.outcome.applied());
            assertTrue(r.outcome.detail().contains("outside 1-99"), r.outcome.detail());
            assertEquals(RealtimeScheduling.SCHED_OTHER, r.state.policy());
        }
    }

    @Test
    void aMissingChrtIsAClearRefusal() throws Exception {
        Result r = onNewThread(() -> new Result(RealtimeScheduling.fifo(10, "/nonexistent/chrt"), state()));
        assertFalse(r.outcome.applied());
        assertTrue(r.outcome.detail().startsWith("cannot run /nonexistent/chrt"), r.outcome.detail());
        assertEquals(RealtimeScheduling.SCHED_OTHER, r.state.policy());
    }

    @Test
    void parsesTheProcStatLineEvenWhenTheCommandNameHoldsParenthesesAndSpaces() {
        StringBuilder line = new StringBuilder("4242 (esr-io (1) x) S");
        for (int field = 4; field <= 52; field++) {
            line.append(' ').append(field == 40 ? "10" : field == 41 ? "1" : Integer.toString(field * 3));
        }
        assertEquals(new RealtimeScheduling.State(1, 10), RealtimeScheduling.parseStat(line.toString()));
        assertThrows(IllegalArgumentException.class, () -> RealtimeScheduling.parseStat("4242 (short) S 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> RealtimeScheduling.parseStat("no parentheses"));
    }

    @Test
    void priorityIsAskedForOnlyWithTwoProcessorsOrMore() {
        assertEquals(10, RealtimeScheduling.priorityFor(10, 2));
        assertEquals(10, RealtimeScheduling.priorityFor(10, 16));
        assertEquals(0, RealtimeScheduling.priorityFor(10, 1));
        assertEquals(0, RealtimeScheduling.priorityFor(0, 8));
    }

    @Test
    void threadsAreFoundByNameWithTheirPolicy() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<RealtimeScheduling.Outcome> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            outcome.set(RealtimeScheduling.fifo(9));
            asked.countDown();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sched-probe-1");
        t.start();
        try {
            assertTrue(asked.await(10, TimeUnit.SECONDS));
            List<RealtimeScheduling.State> found = RealtimeScheduling.threadsNamed("sched-probe-");
            String expected = outcome.get().applied() ? "SCHED_FIFO 9" : "normal";
            assertEquals(1, found.size());
            assertEquals(expected, found.get(0).toString(), outcome.get().detail());
            assertEquals("1 thread, " + expected, RealtimeScheduling.summary(found));
            assertTrue(RealtimeScheduling.threadsNamed("no-such-thread-").isEmpty());
        } finally {
            done.countDown();
            t.join(10_000);
        }
    }

    @Test
    void summaryCountsThreadsByState() {
        RealtimeScheduling.State fifo5 = new RealtimeScheduling.State(RealtimeScheduling.SCHED_FIFO, 5);
        RealtimeScheduling.State normal = new RealtimeScheduling.State(RealtimeScheduling.SCHED_OTHER, 0);
        assertEquals("none running", RealtimeScheduling.summary(List.of()));
        assertEquals("3 threads, SCHED_FIFO 5", RealtimeScheduling.summary(List.of(fifo5, fifo5, fifo5)));
        assertEquals("3 threads: 2 SCHED_FIFO 5, 1 normal", RealtimeScheduling.summary(List.of(fifo5, normal, fifo5)));
        assertEquals("1 thread, policy 2 priority 3",
                RealtimeScheduling.summary(List.of(new RealtimeScheduling.State(2, 3))));
    }

    record Result(RealtimeScheduling.Outcome outcome, RealtimeScheduling.State state) {
    }

    private static RealtimeScheduling.State state() {
        try {
            return RealtimeScheduling.currentThread();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T onNewThread(Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        return result.get(10, TimeUnit.SECONDS);
    }

    /**
     * A kernel with real-time group scheduling refuses SCHED_FIFO even to root in a cgroup v1 cpu group whose
     * {@code cpu.rt_runtime_us} is 0 (containers' default there).
     */
    private static boolean inRealtimeGroupWithoutBudget() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && java.util.Arrays.asList(f[1].split(",")).contains("cpu")) {
                for (String mount : new String[] {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
                    Path budget = Path.of(mount + f[2], "cpu.rt_runtime_us");
                    if (Files.isReadable(budget)) {
                        return Long.parseLong(Files.readString(budget).trim()) == 0;
                    }
                }
            }
        }
        return false;
    }

    /** What the kernel checks: CAP_SYS_NICE in the effective set, or an RLIMIT_RTPRIO at least this priority. */
    private static boolean mayUseRealtime(int priority) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:") && new BigInteger(line.substring(7).trim(), 16).testBit(CAP_SYS_NICE)) {
                return true;
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max realtime priority")) {
                String soft = line.substring("Max realtime priority".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") || Integer.parseInt(soft) >= priority;
            }
        }
        return false;
    }
}
