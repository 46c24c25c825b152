package org.stateos.store.internal.log;

import java.io.IOException;

/**
 * A record (or a superblock, checkpoint slot or segment header) failed its checks: bad magic, a length
 * out of range, a CRC32C mismatch, or a record that is not the one the index expected. Corrupt data is
 * never returned; this exception says why, and where when known.
 */
public class CorruptRecordException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String reason;
    private final long position;

    public CorruptRecordException(String reason) {
        this(reason, -1);
    }

    /** @param position the absolute device offset of the bad bytes, or -1 when unknown */
    public CorruptRecordException(String reason, long position) {
        super(position >= 0 ? reason + " (at device offset " + position + ")" : reason);
        this.reason = reason;
        this.position = position;
    }

    /** What was wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** Absolute device offset of the bad bytes, or -1 when unknown. */
    public long position() {
        return position;
    }
}
