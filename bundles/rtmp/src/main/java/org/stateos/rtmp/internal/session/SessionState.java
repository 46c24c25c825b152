package org.stateos.rtmp.internal.session;

/** Where an RTMP connection is; each state lists what it accepts. */
public enum SessionState {
    /** C0/C1/C2 in progress: bytes go to the handshake decoder. */
    HANDSHAKE,
    /** Handshake done, waiting for {@code connect}. */
    CONNECTING,
    /** Connected to the application: releaseStream, FCPublish, createStream, publish, deleteStream... */
    CONNECTED,
    /** Publishing a stream: audio, video and data messages go to the media registry. */
    PUBLISHING,
    /** Closed, by either side. */
    CLOSED
}
