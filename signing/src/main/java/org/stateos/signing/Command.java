package org.stateos.signing;

import java.io.PrintStream;
import java.util.Set;

/** One CLI command: what it accepts, how it is described, and what it does. */
interface Command {

    String name();

    /** The options after the command name, as shown in the usage text. */
    String synopsis();

    /** One line for the command list. */
    String summary();

    /** Option-by-option help for {@code COMMAND --help}. */
    String details();

    Set<String> valueOptions();

    default Set<String> flags() {
        return Set.of();
    }

    default boolean takesPositionals() {
        return false;
    }

    /** Runs the command; returns the exit status (0 done, 1 refused or failed). */
    int run(Arguments args, PrintStream out) throws UsageException, SigningException;
}
