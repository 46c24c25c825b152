package org.stateos.store.internal.log;

import java.io.IOException;

/**
 * The device has no room for an append, even after cleaning. Nothing was written for the failed record and
 * the log stays readable and consistent; deleting records (then cleaning) makes room again.
 */
public class LogFullException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long deviceBytes;
    private final long liveBytes;

    public LogFullException(String message, long deviceBytes, long liveBytes) {
        super(message);
        this.deviceBytes = deviceBytes;
        this.liveBytes = liveBytes;
    }

    public long deviceBytes() {
        return deviceBytes;
    }

    public long liveBytes() {
        return liveBytes;
    }
}
