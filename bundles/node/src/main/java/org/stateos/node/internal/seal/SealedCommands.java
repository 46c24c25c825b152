package org.stateos.node.internal.seal;

import java.util.List;

/** The console commands a sealed ESR does not offer, and why. */
final class SealedCommands {
    record Name(String scope, String name) {
        @Override
        public String toString() {
            return scope + ":" + name;
        }
    }

    /**
     * exec runs OS processes; java runs any class's main; new constructs any class; addCommand and
     * removeCommand turn any object's methods into commands or take the console's away; nano and
     * edit write files anywhere the node can.
     */
    static final List<Name> REMOVED = List.of(
            new Name("shell", "exec"), new Name("shell", "java"), new Name("shell", "new"),
            new Name("shell", "addCommand"), new Name("shell", "removeCommand"),
            new Name("shell", "nano"), new Name("shell", "edit"));

    private SealedCommands() {}

    static boolean isSealed(String scope, String name) {
        return REMOVED.contains(new Name(scope, name));
    }
}
