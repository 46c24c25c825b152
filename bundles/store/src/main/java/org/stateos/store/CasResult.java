package org.stateos.store;

import java.util.List;
import java.util.Set;

/** The outcome of a compare-and-set on an object's head. */
public sealed interface CasResult {
    /** The head was replaced: {@code head} is the new, signed head. */
    record Applied(SignedHead head, List<SignedHead> replaced) implements CasResult {
        public Applied {
            replaced = List.copyOf(replaced);
        }
    }

    /**
     * The heads were not the expected ones; nothing changed. {@code current} is what the heads are now
     * (several when the object has forks; empty when the object has none).
     */
    record Conflict(Set<UnitId> expected, List<SignedHead> current) implements CasResult {
        public Conflict {
            expected = Set.copyOf(expected);
            current = List.copyOf(current);
        }
    }

    default boolean applied() {
        return this instanceof Applied;
    }
}
