package org.stateos.http.internal;

import java.util.concurrent.atomic.LongAdder;

/** Request and response counters of one route (or of the requests no route took). Thread-safe. */
final class RouteMetrics {
    private final LongAdder requests = new LongAdder();
    /** Index 0..4: 1xx..5xx. */
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder bytesOut = new LongAdder();

    void request() {
        requests.increment();
    }

    void response(int statusCode) {
        int index = statusCode / 100 - 1;
        if (index >= 0 && index < byClass.length) {
            byClass[index].increment();
        }
    }

    void bytesOut(long bytes) {
        if (bytes > 0) {
            bytesOut.add(bytes);
        }
    }

    long requests() {
        return requests.sum();
    }

    long[] responsesByClass() {
        long[] out = new long[byClass.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = byClass[i].sum();
        }
        return out;
    }

    long bytesOut() {
        return bytesOut.sum();
    }
}
