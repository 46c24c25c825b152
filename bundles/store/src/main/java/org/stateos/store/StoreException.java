package org.stateos.store;

import java.io.IOException;

/** Base of the store's failures. An IOException, so that streams over units can throw it as is. */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
