package org.stateos.node.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/org.stateos.node.cfg. Every key has a default that works on a first boot. */
@ObjectClassDefinition(id = NodeConfig.PID, name = "StateOS node",
        description = "Node-wide settings: the shared Netty event loop group.")
public @interface NodeConfig {
    String PID = "org.stateos.node";

    @AttributeDefinition(name = "I/O threads",
            description = "Threads of the one Netty event loop group the whole node shares (esr-io-N);"
                    + " 0 means one per available processor.", min = "0", max = "256")
    int io_threads() default 0;

    @AttributeDefinition(name = "I/O threads' real-time priority",
            description = "SCHED_FIFO priority (1-99) the esr-io-N threads ask for, so that a frame's fan-out is not"
                    + " preempted mid-burst by other threads waking on its core; 0 keeps the normal policy. Needs root"
                    + " or CAP_SYS_NICE; without it the node logs a warning and runs at the normal priority."
                    + " The kernel's real-time throttling (sched_rt_runtime_us) leaves the rest 5 % of each core."
                    + " Not asked for when the node sees a single processor.",
            min = "0", max = "99")
    int io_realtime_priority() default 10;

    @AttributeDefinition(name = "Shutdown quiet period (ms)",
            description = "When the group stops, tasks submitted during this quiet period still run.", min = "0")
    long io_shutdown_quiet_ms() default 100;

    @AttributeDefinition(name = "Shutdown timeout (ms)",
            description = "The longest the group waits for its threads to finish when it stops.", min = "0")
    long io_shutdown_timeout_ms() default 5000;
}
