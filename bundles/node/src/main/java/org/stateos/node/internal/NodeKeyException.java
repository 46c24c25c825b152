package org.stateos.node.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The node key file exists but cannot be used. The node id is derived from that key, so the node never
 * replaces it on its own: an operator decides (restore it, or move it away to make a new identity).
 */
public final class NodeKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    NodeKeyException(Path file, String problem, Throwable cause) {
        super("node key file " + file + " is unusable: " + problem
                + ". The node id is derived from this key, so no new key is made in its place: restore the file"
                + " from a backup, or move it away and restart to give this ESR a new identity (a new node id).",
                cause);
    }
}
