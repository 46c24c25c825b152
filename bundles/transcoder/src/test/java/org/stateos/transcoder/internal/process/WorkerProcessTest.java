package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.stateos.transcoder.internal.Await;
import org.stateos.transcoder.internal.worker.Message;

/** One child process and its pipe threads, with plain processes (sh) standing in for the worker JVM. */
class WorkerProcessTest {
    static final WorkerProcess.Events NONE = new WorkerProcess.Events() {
        @Override
        public void message(WorkerProcess from, Message m) {
        }

        @Override
        public void exited(WorkerProcess from, int code, String cause) {
        }
    };

    record Line(String text, long cut) {
    }

    static List<Line> lines(byte[] input, int max) throws IOException {
        List<Line> out = new ArrayList<>();
        StderrLines.copy(new ByteArrayInputStream(input), max, (t, c) -> out.add(new Line(t, c)));
        return out;
    }

    @Test
    void stderrLinesAreCutAtTheMaximumAndTheRestCounted() throws IOException {
        byte[] in = ("short\r\n" + "x".repeat(25) + "\n\nlast without end").getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(new Line("short", 0), new Line("x".repeat(10), 15), new Line("", 0),
                new Line("last witho", 6)), lines(in, 10));
        // a cut through a character drops its first bytes too: "é" is 2 bytes, "€" 3
        assertEquals(List.of(new Line("abcdefghi", 5)), lines("abcdefghié€".getBytes(StandardCharsets.UTF_8), 10));
        assertEquals(List.of(new Line("abcdefgh", 5)), lines("abcdefgh€é".getBytes(StandardCharsets.UTF_8), 10));
        assertEquals(List.of(new Line("abcdefgé", 3)), lines("abcdefgé€".getBytes(StandardCharsets.UTF_8), 10));
    }

    /**
     * Review 5: the logger read stderr with readLine(), which holds a whole line before the cut, so a worker writing
     * 96 MB without a newline grew the node's heap by 131 MB. The logger must hold one line's first bytes only.
     */
    @Test
    void stderrWithoutLineEndsDoesNotGrowTheNodesHeap() throws Exception {
        long mb = 96;
        long before = usedAfterGc();
        WorkerProcess p = WorkerProcess.start(List.of("sh", "-c",
                "head -c " + (mb << 20) + " /dev/zero | tr '\\0' x >&2; exec sleep 60"), NONE);
        p.begin();
        try {
            // once the shell has become `sleep`, all but the pipe's 64 KB went through the node's logger
            Await.until(() -> ProcessHandle.of(p.pid()).flatMap(h -> h.info().command()).orElse("").endsWith("sleep"),
                    "the " + mb + " MB written to stderr", Duration.ofSeconds(60));
            long grown = usedAfterGc() - before;
            assertTrue(grown < 16L << 20, "the heap grew by " + (grown >> 20) + " MB for one " + mb
                    + " MB stderr line without an end");
        } finally {
            p.kill();
        }
    }

    /** Offers 1 KB frames to {@code p} until stopped (parking 1 ms while its queue is full); counts the accepted. */
    static Thread producer(WorkerProcess p, AtomicBoolean stop, AtomicLong accepted) {
        Thread t = new Thread(() -> {
            byte[] frame = new byte[1024];
            while (!stop.get()) {
                if (p.send(frame)) {
                    accepted.incrementAndGet();
                } else {
                    LockSupport.parkNanos(1_000_000L);
                }
            }
        });
        t.start();
        return t;
    }

    /**
     * Review 5: the stall stamp was set once per batch of writes, and a worker that reads steadily but slower than
     * units arrive never lets the queue empty, so it was "stalled" (and would be killed as hung) while reading.
     */
    @Test
    void aSlowButReadingWorkerIsNotStalled() throws Exception {
        WorkerProcess p = WorkerProcess.start(List.of("sh", "-c",
                "while :; do head -c 4096 >/dev/null || exit; sleep 0.01; done"), NONE);
        p.begin();
        AtomicLong accepted = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean stalled = new AtomicBoolean();
        Thread producer = producer(p, stop, accepted);
        try {
            // the queue fills within the first second; the old stamp said "stalled" 2 s after that
            long start = System.nanoTime();
            Await.until(() -> {
                stalled.compareAndSet(false, p.stalled(2_000));
                return System.nanoTime() - start > 6_000_000_000L && accepted.get() > WorkerProcess.QUEUE + 200;
            }, "6 s of a slow reader, the queue full and still draining: " + accepted, Duration.ofSeconds(60));
            assertFalse(stalled.get(), "called stalled although it read all along (" + accepted + " frames accepted)");
        } finally {
            stop.set(true);
            producer.join();
            p.kill();
        }
    }

    @Test
    void aWorkerThatStopsReadingIsStalled() throws Exception {
        WorkerProcess p = WorkerProcess.start(List.of("sh", "-c", "exec sleep 60"), NONE);
        p.begin();
        AtomicLong accepted = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = producer(p, stop, accepted);
        try {
            Await.until(() -> p.stalled(500), "stalled(500) of a worker that reads nothing", Duration.ofSeconds(30));
        } finally {
            stop.set(true);
            producer.join();
            p.kill();
        }
    }

    /**
     * Review 5 leftover: the reader reported the exit after its loop, not in a finally, so anything unexpected thrown
     * while handling a message (here an Error from the handler, as a LinkageError or an assertion would be) ended the
     * reader with the supervisor never told: the worker "running" for good, with no reader. Now the reader kills the
     * worker and reports its exit, once.
     */
    @Test
    void anUnexpectedThrowableInTheReaderStillReportsTheExitOnce() throws Exception {
        java.nio.file.Path ready = java.nio.file.Files.createTempFile("ready", ".bin");
        try {
            java.nio.file.Files.write(ready, org.stateos.transcoder.internal.worker.Wire.encode(new Message.Ready(1, 1)));
            AtomicLong exits = new AtomicLong();
            java.util.concurrent.atomic.AtomicReference<String> cause = new java.util.concurrent.atomic.AtomicReference<>();
            WorkerProcess p = WorkerProcess.start(List.of("sh", "-c", "cat '" + ready + "'; exec sleep 60"),
                    new WorkerProcess.Events() {
                        @Override
                        public void message(WorkerProcess from, Message m) {
                            throw new AssertionError("a handler that fails in a way nobody planned for");
                        }

                        @Override
                        public void exited(WorkerProcess from, int code, String c) {
                            cause.set(c);
                            exits.incrementAndGet();
                        }
                    });
            p.begin();
            try {
                Await.until(() -> exits.get() > 0, "the exit reported after the reader failed",
                        Duration.ofSeconds(30));
                assertTrue(cause.get().contains("its output reader failed: java.lang.AssertionError"), cause.get());
                assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false),
                        "a worker nobody reads is killed");
                assertEquals(1, exits.get());
            } finally {
                p.kill();
            }
        } finally {
            java.nio.file.Files.delete(ready);
        }
    }

    static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
