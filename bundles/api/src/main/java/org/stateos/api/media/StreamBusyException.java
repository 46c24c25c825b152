package org.stateos.api.media;

/** A second publisher tried a stream name whose publisher is live and not silent. */
public final class StreamBusyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String streamName;

    public StreamBusyException(String streamName, String message) {
        super(message);
        this.streamName = streamName;
    }

    public String streamName() {
        return streamName;
    }
}
