package org.stateos.signing;

/** A signing-tool operation failed for a reason an operator can act on; the message says which file and why. */
public class SigningException extends Exception {
    private static final long serialVersionUID = 1L;

    public SigningException(String message) {
        super(message);
    }

    public SigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
