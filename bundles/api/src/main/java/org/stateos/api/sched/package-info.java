/** Scheduling of the node's own latency-critical threads (event loops, the store's log), shared by every layer. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.stateos.api.sched;
