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

    @AttributeDefinition(name = "Shutdown quiet period (ms)",
            description = "When the group stops, tasks submitted during this quiet period still run.", min = "0")
    long io_shutdown_quiet_ms() default 100;

    @AttributeDefinition(name = "Shutdown timeout (ms)",
            description = "The longest the group waits for its threads to finish when it stops.", min = "0")
    long io_shutdown_timeout_ms() default 5000;
}
