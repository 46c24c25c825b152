package org.stateos.signing;

/** The command line was wrong: the message says what, and the CLI prints the command's usage after it. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
