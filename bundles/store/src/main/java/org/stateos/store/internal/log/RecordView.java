package org.stateos.store.internal.log;

import java.nio.ByteBuffer;

/**
 * A record's value, read and CRC-checked, viewing a read buffer the engine lends out (zero-copy reads). Close it
 * as soon as the value is used: closing gives the buffer back for the next read, after which {@link #value()}'s
 * bytes may change under the caller. Closing twice is harmless.
 */
public interface RecordView extends AutoCloseable {
    /** The value (read-only, position 0 to limit). Valid until {@link #close()}. */
    ByteBuffer value();

    @Override
    void close();

    /** A view of a buffer the caller owns (nothing to give back). */
    static RecordView of(ByteBuffer value) {
        ByteBuffer ro = value.asReadOnlyBuffer();
        return new RecordView() {
            @Override
            public ByteBuffer value() {
                return ro;
            }

            @Override
            public void close() {
            }
        };
    }
}
