package org.stateos.http;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The body of a streamed response (see {@link HttpExchange#stream}). Call it from one thread at a time.
 */
@ProviderType
public interface HttpResponseStream {

    /**
     * Sends {@code chunk}; the server owns it from this call on (and releases it even if the connection is
     * gone). The stage completes when the chunk has been handed to the socket, or fails when the connection
     * closed: wait for it before writing more to follow the client's pace. The stage completes on the event
     * loop; do not block in its callbacks.
     */
    CompletionStage<Void> write(ByteBuf chunk);

    /** Ends the response. Does nothing if it already ended or was aborted. */
    void end();

    /** Closes the connection without ending the body; the client sees a truncated response. */
    void abort();

    /** True until the response ended, was aborted, or the client went away. */
    boolean isOpen();
}
