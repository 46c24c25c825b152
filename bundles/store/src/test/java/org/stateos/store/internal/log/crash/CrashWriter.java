package org.stateos.store.internal.log.crash;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.stateos.store.internal.log.BlockDevice;
import org.stateos.store.internal.log.LogFullException;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.store.internal.log.fault.TestLogs;

/**
 * The victim process of {@link SigkillCrashTest}: opens the file-backed log, appends records from several
 * threads until it is killed, and prints {@code ACK <hex key> <counter>} (flushed) for every append whose
 * future completed, i.e. that the engine says is durable.
 *
 * <p>Arguments: {@code <image file> <image bytes> <seed> <threads>}. Other lines: {@code OPEN <ms>} once the
 * log is open (recovery time), {@code FULL} when the device is full, {@code ERR <text>} on any other failure.
 * The process halts by itself when its parent dies or after {@value #MAX_LIFETIME_S} s, so a test that fails
 * to kill it never leaves it running.
 */
public final class CrashWriter {
    static final int MAX_LIFETIME_S = 300;

    private CrashWriter() { }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        long imageBytes = Long.parseLong(args[1]);
        long seed = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);

        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "crash-writer-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.schedule(() -> Runtime.getRuntime().halt(4), MAX_LIFETIME_S, TimeUnit.SECONDS);

        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "US-ASCII");
        long t0 = System.nanoTime();
        BlockDevice device = TestLogs.fileDevice(image, imageBytes);
        RecordLog log = TestLogs.open(device, TestLogs.fileConfig());
        synchronized (out) {
            out.println("OPEN " + (System.nanoTime() - t0) / 1_000_000);
            out.flush();
        }
        AtomicLong counter = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        long c = counter.getAndIncrement();
                        byte[] value = CrashRecords.value(seed, c);
                        byte[] key = CrashRecords.key(value);
                        log.append(CrashRecords.KIND, key, ByteBuffer.wrap(value)).join();
                        String line = "ACK " + CrashRecords.hex(key) + " " + c;
                        synchronized (out) {
                            out.println(line);
                            out.flush();
                        }
                    }
                } catch (Throwable e) {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    synchronized (out) {
                        out.println(cause instanceof LogFullException ? "FULL" : "ERR " + cause);
                        out.flush();
                    }
                }
            }, "crash-writer-" + i);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        log.close();
        Runtime.getRuntime().halt(0);
    }
}
