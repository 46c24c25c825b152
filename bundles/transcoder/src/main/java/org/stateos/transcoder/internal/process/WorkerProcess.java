package org.stateos.transcoder.internal.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.transcoder.internal.worker.Message;
import org.stateos.transcoder.internal.worker.MessageDecoder;
import org.stateos.transcoder.internal.worker.WireException;

/**
 * One running worker JVM and its three pipes, each on its own thread because pipe I/O blocks (the node's Netty
 * loops and codec threads must never wait on a child process): a writer draining a queue into stdin, a
 * reader decoding stdout, a logger copying stderr lines into the node's log. The reader sees EOF the moment the
 * process dies (however it died), waits for its exit status and reports it once.
 */
final class WorkerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
    /** AAC units waiting for the worker's stdin; beyond this they are dropped (the worker is far behind or hung). */
    static final int QUEUE = 4_096;
    private static final Out END = new Out(new byte[0], false);
    /** Bytes of one stderr line logged (and held); the rest of a longer line is counted, not kept. */
    static final int MAX_LOG_LINE = 1000;
    /** Environment variables a JVM takes options (agents, class paths) from: never inherited by the worker. */
    private static final List<String> JVM_ENV = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
            "CLASSPATH", "JAVA_OPTS");

    interface Events {
        void message(WorkerProcess from, Message m);

        /** Once, after stdout ended and the process exited. */
        void exited(WorkerProcess from, int code, String cause);
    }

    private final Process process;
    private final Events events;
    private final long startNanos = System.nanoTime();
    /**
     * Everything for stdin, in order (an OPEN before its pipeline's AAC, a CLOSE after it). Unbounded: the AAC in it is
     * bounded by {@link #data} instead, so OPEN and CLOSE are never dropped (a dropped OPEN left a pipeline never
     * opened, a dropped CLOSE one never closed in the worker; review 5). Those are one per pipeline opened or closed,
     * and a worker that stops reading is killed after worker.stall.ms, which ends the queue.
     */
    private final BlockingQueue<Out> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger data = new AtomicInteger();   // AAC frames in the queue
    private volatile boolean ending;   // END queued: nothing sent after it reaches the worker
    private volatile long writingSince;   // nanoTime a write began and has not finished, 0 when none
    private volatile String protocolError;

    private WorkerProcess(Process process, Events events) {
        this.process = process;
        this.events = events;
    }

    /** Starts the process; its pipes are served once {@link #begin} is called (so the caller knows it first). */
    static WorkerProcess start(List<String> command, Events events) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command);
        Map<String, String> env = b.environment();
        JVM_ENV.forEach(env::remove);
        return new WorkerProcess(b.start(), events);
    }

    void begin() {
        thread("writer", this::writeLoop);
        thread("reader", this::readLoop);
        thread("stderr", this::logLoop);
    }

    private void thread(String role, Runnable loop) {
        BundleThreads.daemon("stateos-transcoder-worker-" + process.pid() + "-" + role, loop).start();
    }

    long pid() {
        return process.pid();
    }

    long uptimeMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A frame for stdin; {@code counted}: an AAC frame, within {@link #QUEUE}. */
    private record Out(byte[] frame, boolean counted) {
    }

    /** Queues an AAC frame for stdin; false when {@link #QUEUE} of them wait (the caller counts it as dropped). */
    boolean send(byte[] frame) {
        if (ending || data.incrementAndGet() > QUEUE) {
            data.decrementAndGet();
            return false;
        }
        queue.add(new Out(frame, true));
        return true;
    }

    /**
     * Queues an OPEN or CLOSE for stdin, however many AAC frames wait; false only once the worker is being stopped or
     * has ended (nothing is open in a worker that is gone).
     */
    boolean sendControl(byte[] frame) {
        if (ending) {
            return false;
        }
        queue.add(new Out(frame, false));
        return true;
    }

    /**
     * True once its input is closed (stopping, or gone: the reader sets it before it reports the exit), so a caller
     * that read false before its exit was reported is seen by that report.
     */
    boolean ended() {
        return ending;
    }

    /** Ends the writer: what is queued is dropped, the END makes it close stdin. */
    private void end() {
        ending = true;
        queue.clear();
        queue.add(END);
    }

    /**
     * True when one write to stdin (one unit, or the flush of the 64 KB buffer: the pipe holds 64 KB more) has been
     * blocked longer than {@code millis}: the worker stopped reading.
     */
    boolean stalled(long millis) {
        long since = writingSince;
        return since != 0 && System.nanoTime() - since > millis * 1_000_000L;
    }

    private void writeLoop() {
        try (OutputStream out = new BufferedOutputStream(process.getOutputStream(), 1 << 16)) {
            while (true) {
                Out f = queue.take();
                // stamped per write, not per batch: a worker that reads steadily but slower than units arrive keeps
                // the queue from ever emptying, and is slow, not hung
                while (f != null && f != END) {
                    if (f.counted()) {
                        data.decrementAndGet();
                    }
                    writingSince = System.nanoTime();
                    out.write(f.frame());
                    writingSince = 0;
                    f = queue.poll();
                }
                writingSince = System.nanoTime();
                out.flush();
                writingSince = 0;
                if (f == END) {
                    return;   // closing stdin tells the worker to exit
                }
            }
        } catch (IOException e) {
            writingSince = 0;   // the worker is gone: the reader reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readLoop() {
        String failure = null;
        try {
            MessageDecoder decoder = MessageDecoder.fromWorker(new BufferedInputStream(process.getInputStream(), 1 << 16));
            Message m;
            while ((m = decoder.next()) != null) {
                events.message(this, m);
            }
        } catch (WireException e) {
            // A crashing JVM prints its crash banner on stdout whatever its options say (seen with kill -SEGV): wait
            // for it to exit by itself, so the cause logged is the crash; only a live worker is blamed and killed.
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    protocolError = e.getMessage();
                    LOG.error("transcoder: codec worker {} broke the protocol ({}); killing it", process.pid(),
                            e.getMessage());
                    process.destroyForcibly();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("transcoder: codec worker {}: reading its output failed: {}", process.pid(), e.toString());
            process.destroyForcibly();
        } catch (RuntimeException | Error e) {
            // a bug of ours, not the worker's: nobody reads its output any more, so it is of no use; the finally
            // below still tells the supervisor, which starts a new one (before, it stayed "running" for good)
            failure = e.toString();
            LOG.error("transcoder: codec worker {}: its output reader failed; killing it", process.pid(), e);
            process.destroyForcibly();
        } finally {
            reportExit(failure);
        }
    }

    /** Once, from the reader, however its loop ended: frees the writer, waits for the exit, tells the supervisor. */
    private void reportExit(String readerFailure) {
        end();   // frees the writer if it waits for work
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            code = -1;
        }
        String cause = ExitCause.describe(code) + (protocolError == null ? "" : " after a protocol error: " + protocolError)
                + (readerFailure == null ? "" : " after its output reader failed: " + readerFailure);
        events.exited(this, code, cause);
    }

    private void logLoop() {
        try (InputStream err = process.getErrorStream()) {
            StderrLines.copy(err, MAX_LOG_LINE, (line, cut) -> {
                if (cut > 0) {
                    LOG.info("[worker {}] {}~ ({} more bytes of this line not logged)", process.pid(), line, cut);
                } else if (!line.isBlank()) {
                    LOG.info("[worker {}] {}", process.pid(), line);
                }
            });
        } catch (IOException e) {
            // the process is gone; the reader reports the exit
        }
    }

    /** Stops the worker: stdin closed (it exits by itself), then SIGTERM, then SIGKILL. Blocks at most ~4 s. */
    void stop() {
        end();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(1, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(1, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * Stops a worker that has not said READY: it reads stdin only once FFmpeg's natives are loaded (≈ 0.3 s after the
     * JVM started), so closing stdin would keep the caller waiting that long; nothing is open in it yet. SIGTERM, then
     * SIGKILL after 1 s. Blocks at most ~2 s.
     */
    void abort() {
        end();
        process.destroy();
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    void kill() {
        process.destroyForcibly();
    }

    /** CPU time (user + system) so far, -1 when the OS does not say. */
    long cpuMillis() {
        return process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    }

    /** Resident memory from /proc, -1 when unknown. */
    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return -1;
    }
}
