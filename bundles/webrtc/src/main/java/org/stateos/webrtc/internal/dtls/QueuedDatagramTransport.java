package org.stateos.webrtc.internal.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The {@link DatagramTransport} Bouncy Castle's DTLS runs over: datagrams the UDP demultiplexer routed to this
 * session arrive through {@link #offer}, and what DTLS sends goes to the {@link Sender} (the shared channel).
 *
 * <p>Two modes. During the handshake the handshake thread blocks in {@link #receive} (BC's API is blocking, with
 * its own retransmission timeouts). After it, {@link #nonBlocking()} switches to polling from the event loop:
 * an empty queue then throws a {@link Drained}, an {@link InterruptedIOException} that BC's DTLS record layer
 * passes through without failing the connection (checked against bctls 1.83), so the loop never waits.
 */
public final class QueuedDatagramTransport implements DatagramTransport {
    /** Datagrams waiting for the DTLS engine; more are dropped (DTLS retransmits). */
    public static final int MAX_QUEUED = 32;
    /** Largest datagram accepted for DTLS. */
    public static final int RECEIVE_LIMIT = 1500;
    /** Largest datagram DTLS may send: fits the IPv6 minimum MTU with room for tunnels (RFC 8261-like). */
    public static final int SEND_LIMIT = 1200;
    private static final byte[] WAKE_UP = new byte[0];

    /** Sends one datagram to the peer; thread-safe. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] datagram) throws IOException;
    }

    /** Nothing left to read in non-blocking mode. */
    public static final class Drained extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        Drained() {
            super("no datagram queued");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Sender sender;
    private volatile boolean closed;
    private volatile boolean nonBlocking;

    public QueuedDatagramTransport(Sender sender) {
        this.sender = sender;
    }

    /** Queues one received datagram; false when closed, too large or the queue is full (dropped). */
    public boolean offer(byte[] datagram) {
        return !closed && datagram.length <= RECEIVE_LIMIT && inbound.offer(datagram);
    }

    /** From now on {@link #receive} never waits. */
    public void nonBlocking() {
        nonBlocking = true;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] d;
        if (nonBlocking) {
            d = inbound.poll();
            if (d == null) {
                throw new Drained();
            }
        } else {
            try {
                d = inbound.poll(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("DTLS handshake interrupted");
            }
            if (d == null) {
                return -1; // BC retransmits or gives up on its own timeouts
            }
        }
        if (closed || d == WAKE_UP) {
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        if (len > SEND_LIMIT) {
            throw new IOException("DTLS datagram of " + len + " bytes over the send limit " + SEND_LIMIT);
        }
        sender.send(Arrays.copyOfRange(buf, off, off + len));
    }

    /** Stops the transport; a handshake blocked in {@link #receive} wakes up and fails. */
    @Override
    public void close() {
        closed = true;
        inbound.clear();
        inbound.offer(WAKE_UP);
    }

    public boolean isClosed() {
        return closed;
    }
}
