package org.stateos.api.node;

/** Gathers a fresh {@link NodeStatus}; provided by the node bundle. */
public interface NodeStatusService {
    NodeStatus status();
}
