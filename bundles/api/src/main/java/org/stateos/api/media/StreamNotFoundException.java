package org.stateos.api.media;

/** No stream by that name is live (or waiting for its publisher to come back). */
public final class StreamNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String streamName;

    public StreamNotFoundException(String streamName) {
        super("no live stream named '" + streamName + "'");
        this.streamName = streamName;
    }

    public String streamName() {
        return streamName;
    }
}
