package org.stateos.webrtc.internal.transport;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * Puts DTLS handshakes on the handshake pool with at most {@code perAddress} of one source IP address in it at a
 * time; that address's further handshakes wait here, in order, and go in as its earlier ones end. Bouncy Castle's
 * handshake blocks its thread until the peer finishes or the handshake timeout passes, so without this one address
 * that sends a ClientHello and goes silent, a few times, holds every thread and every other viewer's handshake
 * queues behind it. Thread-safe (the sockets' loops submit, the pool's threads finish).
 *
 * <p>Loopback addresses are not limited in production ({@link #REMOTE_ONLY}): the lanes are for remote peers, a
 * process on the node (vendor code only) needs no handshakes to hurt it, and the load client and the fan-out
 * benchmark set up hundreds of viewers from 127.0.0.1, which one lane would serialize and its line refuse.
 */
final class HandshakeLanes {
    /** Handshakes of one address waiting for their turn; more are refused. */
    static final int MAX_WAITING_PER_ADDRESS = 32;

    private record Waiting(Runnable task, Runnable refused) {
    }

    private static final class Lane {
        int running;
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    }

    /** Every address but loopback ones gets a lane. */
    static final Predicate<InetAddress> REMOTE_ONLY = a -> !a.isLoopbackAddress();

    private final Executor pool;
    private final int perAddress;
    private final Predicate<InetAddress> limited;
    private final Map<InetAddress, Lane> lanes = new HashMap<>(); // guarded by itself

    /** @param limited the addresses that get a lane; the others go straight to the pool */
    HandshakeLanes(Executor pool, int perAddress, Predicate<InetAddress> limited) {
        this.pool = pool;
        this.perAddress = perAddress;
        this.limited = limited;
    }

    /**
     * Runs {@code task} on the pool now or when {@code from}'s earlier handshakes are done.
     *
     * @param refused run (on a pool thread) if a waiting task cannot be started later because the pool refuses it
     * @return false when refused now: the pool is full, or {@code from} has {@link #MAX_WAITING_PER_ADDRESS} waiting
     */
    boolean submit(InetAddress from, Runnable task, Runnable refused) {
        if (!limited.test(from)) {
            try {
                pool.execute(task);
                return true;
            } catch (RejectedExecutionException e) {
                return false;
            }
        }
        synchronized (lanes) {
            Lane lane = lanes.computeIfAbsent(from, a -> new Lane());
            if (lane.running >= perAddress) {
                if (lane.waiting.size() >= MAX_WAITING_PER_ADDRESS) {
                    return false;
                }
                lane.waiting.add(new Waiting(task, refused));
                return true;
            }
            lane.running++;
        }
        try {
            pool.execute(() -> runThenNext(from, task));
            return true;
        } catch (RejectedExecutionException e) {
            passOn(from); // nothing waits while a slot was free, but keep the slots right whatever happens
            return false;
        }
    }

    /** Handshakes of {@code from} running or waiting. */
    int inFlight(InetAddress from) {
        synchronized (lanes) {
            Lane lane = lanes.get(from);
            return lane == null ? 0 : lane.running + lane.waiting.size();
        }
    }

    private void runThenNext(InetAddress from, Runnable task) {
        try {
            task.run();
        } finally {
            passOn(from);
        }
    }

    /** A slot of {@code from} is free: the next waiting handshake takes it, or it is released. */
    private void passOn(InetAddress from) {
        Waiting next;
        while ((next = finished(from)) != null) {
            Waiting go = next;
            try {
                pool.execute(() -> runThenNext(from, go.task()));
                return;
            } catch (RejectedExecutionException e) {
                go.refused().run(); // the pool is full or stopping: this one gives up, its slot goes on
            }
        }
    }

    /** One of {@code from}'s handshakes ended: its slot passes to the next waiting one (returned), or is freed. */
    private Waiting finished(InetAddress from) {
        synchronized (lanes) {
            Lane lane = lanes.get(from);
            if (lane == null) {
                return null;
            }
            Waiting next = lane.waiting.poll();
            if (next != null) {
                return next; // keeps the slot
            }
            if (--lane.running == 0) {
                lanes.remove(from);
            }
            return null;
        }
    }
}
