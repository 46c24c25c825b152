package org.stateos.webrtc.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerLatencyTest {
    @Test
    void percentilesCoverSinceStartAndOnlyTheNewValuesInTheInterval() {
        ServerLatency l = new ServerLatency();
        for (int i = 1; i <= 100; i++) {
            l.record(i * 100L); // 0.1 .. 10 ms
        }
        ServerLatency.Snapshot first = l.snapshot();
        assertEquals(100, first.sinceStart().count());
        assertEquals(100, first.interval().count());
        assertEquals(5000, first.sinceStart().p50Micros(), 10);
        assertEquals(9500, first.sinceStart().p95Micros(), 10);
        assertEquals(9900, first.sinceStart().p99Micros(), 10);
        assertEquals(10_000, first.sinceStart().maxMicros(), 10);

        l.record(50_000);
        ServerLatency.Snapshot second = l.snapshot();
        assertEquals(101, second.sinceStart().count());
        assertEquals(1, second.interval().count());
        assertEquals(50_000, second.interval().p99Micros(), 50);
    }

    @Test
    void resetForgetsEverythingAndClampsOutliers() {
        ServerLatency l = new ServerLatency();
        l.record(3_000);
        l.reset();
        assertEquals(0, l.snapshot().sinceStart().count());
        l.record(-5);                      // a clock step backwards: counted as 0
        l.record(Long.MAX_VALUE / 2);      // a stall: clamped to a minute
        ServerLatency.Figures f = l.snapshot().sinceStart();
        assertEquals(2, f.count());
        assertTrue(f.maxMicros() >= ServerLatency.MAX_MICROS && f.maxMicros() <= ServerLatency.MAX_MICROS * 1.001, "" + f);
    }

    @Test
    void frameSentMeasuresAgainstTheWallClockInMicroseconds() {
        ServerLatency l = new ServerLatency();
        l.frameSent(ServerLatency.wallMicros() - 2_000);
        ServerLatency.Figures f = l.snapshot().sinceStart();
        assertTrue(f.p50Micros() >= 1_990 && f.p50Micros() < 50_000, "" + f);
    }

    @Test
    void manyWritersLoseNothing() throws InterruptedException {
        ServerLatency l = new ServerLatency();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    l.record(1_000 + i % 1000);
                }
            });
            threads.add(th);
            th.start();
        }
        long seen = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            seen += l.snapshot().interval().count(); // reads race the writers on purpose
        }
        for (Thread th : threads) {
            th.join();
        }
        seen += l.snapshot().interval().count();
        assertEquals(200_000, seen);
        assertEquals(200_000, l.snapshot().sinceStart().count());
    }

    @Test
    void jsonHasTheFieldsTheBenchmarksRead() {
        ServerLatency l = new ServerLatency();
        l.record(1234);
        String json = ServerLatency.json(l.snapshot());
        for (String key : List.of("\"sinceStart\":{\"count\":1,", "\"interval\":{\"count\":1,", "\"p50Micros\":1234",
                "\"p95Micros\":", "\"p99Micros\":", "\"maxMicros\":")) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }
}
