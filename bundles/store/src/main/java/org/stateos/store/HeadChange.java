package org.stateos.store;

import java.util.List;

/**
 * A change of an object's heads, as listeners see it once it is durable. {@code before} and {@code after}
 * are whole head sets (more than one head: a fork).
 */
public record HeadChange(ObjectId object, List<SignedHead> before, List<SignedHead> after, Cause cause) {
    public enum Cause { LOCAL, REMOTE }

    public HeadChange {
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    public boolean forked() {
        return after.size() > 1;
    }
}
