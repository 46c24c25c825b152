package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Lanes over a hand-cranked pool: tasks run only when the test says so. */
class HandshakeLanesTest {
    private final ArrayDeque<Runnable> pool = new ArrayDeque<>();
    private boolean refuse;
    private final Executor executor = r -> {
        if (refuse) {
            throw new RejectedExecutionException("full");
        }
        pool.add(r);
    };

    @Test
    void oneAddressGetsItsShareAndTheRestWaitInOrderWhileOthersGoStraightIn() throws Exception {
        HandshakeLanes lanes = new HandshakeLanes(executor, 1, HandshakeLanes.REMOTE_ONLY);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        List<String> ran = new ArrayList<>();
        assertTrue(lanes.submit(a, () -> ran.add("a1"), () -> ran.add("a1 refused")));
        assertTrue(lanes.submit(a, () -> ran.add("a2"), () -> ran.add("a2 refused")));
        assertTrue(lanes.submit(a, () -> ran.add("a3"), () -> ran.add("a3 refused")));
        assertTrue(lanes.submit(b, () -> ran.add("b1"), () -> ran.add("b1 refused")));
        assertEquals(2, pool.size(), "a1 and b1 are in the pool; a2 and a3 wait");
        assertEquals(3, lanes.inFlight(a));
        pool.poll().run(); // a1 ends: a2 takes its slot
        pool.poll().run(); // b1
        pool.poll().run(); // a2
        pool.poll().run(); // a3
        assertEquals(List.of("a1", "b1", "a2", "a3"), ran);
        assertEquals(0, lanes.inFlight(a));
        assertEquals(0, lanes.inFlight(b));
    }

    @Test
    void loopbackClientsAreTheNodesOwnToolsAndGoStraightToThePool() throws Exception {
        HandshakeLanes lanes = new HandshakeLanes(executor, 1, HandshakeLanes.REMOTE_ONLY);
        InetAddress local = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 2 * HandshakeLanes.MAX_WAITING_PER_ADDRESS; i++) {
            assertTrue(lanes.submit(local, () -> { }, () -> { }));
        }
        assertEquals(2 * HandshakeLanes.MAX_WAITING_PER_ADDRESS, pool.size(), "none waits, none is refused");
        assertEquals(0, lanes.inFlight(local));
    }

    @Test
    void refusesBeyondTheWaitingLineAndWhenThePoolRefuses() throws Exception {
        HandshakeLanes lanes = new HandshakeLanes(executor, 1, HandshakeLanes.REMOTE_ONLY);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        List<String> refused = new ArrayList<>();
        assertTrue(lanes.submit(a, () -> { }, () -> refused.add("first")));
        for (int i = 0; i < HandshakeLanes.MAX_WAITING_PER_ADDRESS; i++) {
            int n = i;
            assertTrue(lanes.submit(a, () -> { }, () -> refused.add("w" + n)));
        }
        assertFalse(lanes.submit(a, () -> { }, () -> { }), "the waiting line is full");
        refuse = true;
        assertFalse(lanes.submit(InetAddress.getByName("192.0.2.9"), () -> { }, () -> { }), "the pool is full");
        assertEquals(0, lanes.inFlight(InetAddress.getByName("192.0.2.9")), "a refused submit holds no slot");
        pool.poll().run(); // the first ends; the pool refuses every waiting one: each is told, none is left over
        assertEquals(HandshakeLanes.MAX_WAITING_PER_ADDRESS, refused.size());
        assertEquals(0, lanes.inFlight(a));
    }
}
