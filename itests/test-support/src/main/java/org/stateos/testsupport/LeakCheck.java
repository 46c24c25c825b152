package org.stateos.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (PARANOID) reports a buffer that was garbage collected without
 * being released. Registered for every test class by autodetection (junit-platform.properties), so its factory is
 * installed before any ByteBuf class is initialised.
 */
public final class LeakCheck implements AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.add(resourceType + " leaked:" + records);
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.add(resourceType + " leaked (untraced)");
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks();
    }

    /** Collects garbage, lets the detector look at what was collected, and fails on any leak reported so far. */
    public static void assertNoLeaks() {
        for (int round = 0; round < 3; round++) {
            collectGarbage();
            // At PARANOID every allocation first polls the detector's queue of collected buffers.
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
            ByteBufAllocator.DEFAULT.heapBuffer(1).release();
            Unpooled.directBuffer(1).release();
            Unpooled.buffer(1).release();
        }
        if (!LEAKS.isEmpty()) {
            List<String> leaks = new ArrayList<>(LEAKS);
            LEAKS.clear();
            fail(leaks.size() + " buffer leak(s):\n" + String.join("\n", leaks));
        }
    }

    /** Runs the collector until an object dropped now has been collected and enqueued (5 s deadline). */
    private static void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            do {
                System.gc();
                if (queue.remove(50) != null) {
                    return;
                }
            } while (System.nanoTime() < deadline);
            fail("the garbage collector did not collect a dropped object within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } finally {
            Reference.reachabilityFence(sentinel);
        }
    }
}
