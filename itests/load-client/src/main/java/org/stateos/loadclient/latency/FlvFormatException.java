package org.stateos.loadclient.latency;

/** FLV bytes that do not follow the format (a length past the end or over the limit, a wrong signature). */
public final class FlvFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public FlvFormatException(String message) {
        super(message);
    }
}
