package org.stateos.transcoder.internal.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

import org.stateos.transcoder.internal.codec.AacToOpus;
import org.stateos.transcoder.internal.codec.AudioSpecificConfig;
import org.stateos.transcoder.internal.codec.OpusPacket;
import org.stateos.transcoder.internal.codec.TranscodeException;

/**
 * The codec worker: a child JVM of the node that runs FFmpeg ({@link AacToOpus}) for every transcode, so a crash
 * inside native code ends this process, not the node. Reads {@link Message.Open}/{@link Message.Aac}/{@link
 * Message.Close} on stdin, writes {@link Message.Ready}/{@link Message.Opus}/{@link Message.Error} on stdout, logs
 * to stderr (the node's log). One thread: messages are handled in order. It ends when stdin ends (the node closed
 * the pipe or died) or on a protocol error (exit 2).
 *
 * <p>Only JDK, codec and this package's classes may be used here: the worker's class path is this bundle's codec
 * and worker packages and the codec-natives bundle, nothing else.
 */
public final class WorkerMain {
    static final int EXIT_PROTOCOL = 2;
    static final int EXIT_NATIVES = 4;   // 3 is -XX:+ExitOnOutOfMemoryError's

    private static final class Pipeline {
        final AacToOpus codec;
        int consecutiveErrors;

        Pipeline(AacToOpus codec) {
            this.codec = codec;
        }
    }

    private final Map<Integer, Pipeline> pipelines = new HashMap<>();
    private final OutputStream out;

    WorkerMain(OutputStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        // stdout is the protocol: nothing else may ever print there
        OutputStream protocol = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(System.err);
        InputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
        long start = System.nanoTime();
        try {
            AacToOpus.loadNatives();
        } catch (TranscodeException | RuntimeException | LinkageError e) {
            log("FFmpeg natives cannot be loaded: " + e);
            System.exit(EXIT_NATIVES);
        }
        int millis = (int) ((System.nanoTime() - start) / 1_000_000);
        log("pid " + ProcessHandle.current().pid() + ": FFmpeg natives loaded in " + millis + " ms");
        WorkerMain worker = new WorkerMain(protocol);
        try {
            worker.send(new Message.Ready(ProcessHandle.current().pid(), millis));
            protocol.flush();
            worker.serve(MessageDecoder.toWorker(in), in);
        } catch (WireException e) {
            log("protocol error on stdin: " + e.getMessage() + "; exiting");
            System.exit(EXIT_PROTOCOL);
        } catch (IOException e) {
            log("stdin/stdout failed: " + e + "; exiting");
            System.exit(EXIT_PROTOCOL);
        }
        worker.closeAll();
        System.exit(0);   // stdin ended: the node closed the pipe (or is gone)
    }

    /** Handles messages until the input ends; flushes whenever the input has nothing more waiting. */
    void serve(MessageDecoder decoder, InputStream in) throws IOException {
        Message m;
        while ((m = decoder.next()) != null) {
            handle(m);
            if (in.available() == 0) {
                out.flush();
            }
        }
        out.flush();
    }

    void handle(Message m) throws IOException {
        if (m instanceof Message.Open o) {
            open(o);
        } else if (m instanceof Message.Aac a) {
            aac(a);
        } else if (m instanceof Message.Close c) {
            Pipeline p = pipelines.remove(c.id());
            if (p != null) {
                p.codec.close();
            }
        }
    }

    private void open(Message.Open o) throws IOException {
        Pipeline old = pipelines.remove(o.id());
        if (old != null) {
            old.codec.close();
        }
        AudioSpecificConfig asc;
        try {
            asc = AudioSpecificConfig.parse(o.audioSpecificConfig());
        } catch (IllegalArgumentException e) {
            fatal(o.id(), "unusable AudioSpecificConfig: " + e.getMessage());
            return;
        }
        try {
            pipelines.put(o.id(), new Pipeline(new AacToOpus(asc, o.audioSpecificConfig(), o.bitrate())));
        } catch (TranscodeException | RuntimeException | LinkageError e) {
            fatal(o.id(), "could not start the codecs: " + e.getMessage());
        }
    }

    private void aac(Message.Aac a) throws IOException {
        Pipeline p = pipelines.get(a.id());
        if (p == null) {
            return;   // closed, or failed to open (the parent was told)
        }
        try {
            for (OpusPacket o : p.codec.transcode(a.unit(), a.pts(), a.ingestMicros())) {
                send(new Message.Opus(a.id(), o.pts(), o.ingestMicros(), a.ingestMicros(), o.data()));
            }
            p.consecutiveErrors = 0;
        } catch (TranscodeException e) {
            send(new Message.Error(a.id(), Message.Error.UNIT, ++p.consecutiveErrors, e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            pipelines.remove(a.id());
            p.codec.close();
            fatal(a.id(), "the codecs failed: " + e);
        }
    }

    private void fatal(int id, String message) throws IOException {
        send(new Message.Error(id, Message.Error.FATAL, 0, message));
    }

    private void send(Message m) throws IOException {
        out.write(Wire.encode(m));
    }

    void closeAll() {
        pipelines.values().forEach(p -> p.codec.close());
        pipelines.clear();
    }

    static void log(String line) {
        System.err.println("transcoder worker: " + line);
        System.err.flush();
    }
}
