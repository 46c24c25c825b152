package org.stateos.node.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.stateos.api.sched.RealtimeScheduling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Netty event loop group of the node (design: one group for the whole node), registered as an
 * {@link EventLoopGroup} service. Threads are named esr-io-1 … esr-io-N and start on first use.
 *
 * <p>The group belongs to this component alone: a consumer that calls {@code shutdownGracefully()} (as
 * stand-alone Netty examples do) gets an {@link UnsupportedOperationException} instead of stopping every
 * protocol on the node. DS deactivates the consumers before this component, then {@link #close()} stops the
 * threads and waits for them, so a bundle restart leaves no thread behind.
 */
@Component(service = EventLoopGroup.class, configurationPid = NodeConfig.PID)
@Designate(ocd = NodeConfig.class)
public final class SharedEventLoopGroup extends NioEventLoopGroup {
    public static final String THREAD_PREFIX = "esr-io-";

    private static final Logger LOG = LoggerFactory.getLogger(SharedEventLoopGroup.class);

    private final long quietMillis;
    private final long timeoutMillis;

    @Activate
    public SharedEventLoopGroup(NodeConfig config) {
        this(threads(config.io_threads()), realtimePriority(config.io_realtime_priority(),
                Runtime.getRuntime().availableProcessors()), config.io_shutdown_quiet_ms(), config.io_shutdown_timeout_ms());
    }

    /** The configured priority, or 0 when the node sees a single processor ({@link RealtimeScheduling#priorityFor}). */
    static int realtimePriority(int configured, int processors) {
        int priority = RealtimeScheduling.priorityFor(configured, processors);
        if (priority != configured) {
            LOG.info("{} threads at the normal policy: io.realtime.priority = {} is for nodes with 2 processors or"
                    + " more, this one sees {}", THREAD_PREFIX + "N", configured, processors);
        }
        return priority;
    }

    SharedEventLoopGroup(int threads, long quietMillis, long timeoutMillis) {
        this(threads, 0, quietMillis, timeoutMillis);
    }

    /** @param realtimePriority SCHED_FIFO priority of the threads (1-99), or 0 for the normal policy */
    SharedEventLoopGroup(int threads, int realtimePriority, long quietMillis, long timeoutMillis) {
        super(threads, new EsrIoThreadFactory(realtimePriority));
        this.quietMillis = Math.max(0, quietMillis);
        this.timeoutMillis = Math.max(this.quietMillis, timeoutMillis);
        LOG.info("Shared event loop group: {} threads ({}N), {}", threads, THREAD_PREFIX,
                realtimePriority > 0 ? "asking for SCHED_FIFO " + realtimePriority : "normal scheduling");
    }

    static int threads(int configured) {
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    @Deactivate
    void close() {
        Future<?> done = super.shutdownGracefully(quietMillis, timeoutMillis, TimeUnit.MILLISECONDS);
        // Netty's timeout bounds the quiet period's wait; allow the threads a little longer to leave.
        if (!done.awaitUninterruptibly(timeoutMillis + 1000, TimeUnit.MILLISECONDS)) {
            LOG.warn("Shared event loop group did not stop within {} ms; some esr-io threads may linger",
                    timeoutMillis + 1000);
        }
    }

    @Override
    public Future<?> shutdownGracefully() {
        throw refused();
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        throw refused();
    }

    @Override
    @Deprecated
    public void shutdown() {
        throw refused();
    }

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("the node's shared event loop group is stopped by the"
                + " org.stateos.node bundle only; close your channels instead");
    }

    /**
     * esr-io-1, esr-io-2, …: FastThreadLocalThreads as Netty's own factory makes, daemon so a stuck one never holds
     * the JVM; each first asks for its real-time priority (the policy is per thread, so only a thread can take it
     * for itself here), and the first refusal is logged once.
     */
    private static final class EsrIoThreadFactory implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger(1);
        private final RealtimeScheduling.Asking realtime;

        EsrIoThreadFactory(int realtimePriority) {
            this.realtime = new RealtimeScheduling.Asking(realtimePriority, outcome -> {
                if (outcome.applied()) {
                    LOG.info("{} threads run at {}", THREAD_PREFIX + "N", outcome.detail());
                } else {
                    LOG.warn("{} threads: {} (io.realtime.priority = 0 in etc/{}.cfg stops asking)",
                            THREAD_PREFIX + "N", outcome.detail(), NodeConfig.PID);
                }
            });
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread t = new FastThreadLocalThread(realtime.wrap(task), THREAD_PREFIX + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        }
    }
}
