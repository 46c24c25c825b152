package org.stateos.rtmp.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy for one connection at a time that records both directions: what a real client sends (the capture the
 * decoder tests replay) and what it receives from the server (the statuses a publisher is told).
 */
final class RecordingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    private volatile boolean done;

    RecordingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "rtmp-test-proxy");
        threads.add(acceptor);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** True once both directions of the proxied connection have ended. */
    boolean finished() {
        return done;
    }

    synchronized byte[] clientBytes() {
        synchronized (fromClient) {
            return fromClient.toByteArray();
        }
    }

    byte[] serverBytes() {
        synchronized (fromServer) {
            return fromServer.toByteArray();
        }
    }

    private void accept() {
        try (Socket client = listener.accept(); Socket server = new Socket(target.getAddress(), target.getPort())) {
            sockets.add(client);
            sockets.add(server);
            Thread up = pump(client.getInputStream(), server.getOutputStream(), fromClient, server);
            Thread down = pump(server.getInputStream(), client.getOutputStream(), fromServer, client);
            up.join();
            down.join();
        } catch (IOException | InterruptedException e) {
            // closed by close(), or the peer went away
        } finally {
            done = true;
        }
    }

    private Thread pump(InputStream in, OutputStream out, ByteArrayOutputStream record, Socket closeAtEnd) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (record) {
                        record.write(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    closeAtEnd.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "rtmp-test-proxy-pump");
        threads.add(t);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
    }
}
