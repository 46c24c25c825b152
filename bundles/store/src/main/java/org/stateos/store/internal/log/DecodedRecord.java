package org.stateos.store.internal.log;

import java.nio.ByteBuffer;

/**
 * One record as decoded by {@link RecordCodec#decode}. {@code value} is a read-only view into the decoded
 * buffer (no copy): copy it before the buffer is reused.
 *
 * @param kind          record kind; 0xF0..0xFF are reserved for the engine (segment header, next, checkpoint)
 * @param flags         {@link RecordCodec#FLAG_DELETE} or 0
 * @param key           the key (a copy, at most {@link RecordLog#MAX_KEY_BYTES})
 * @param value         the value bytes (empty for a delete)
 * @param seq           log sequence number (contiguous over the whole log)
 * @param prevCrc       the CRC32C of the record before this one in the log (the chain)
 * @param batchDelta    seq minus the sequence number of the first record of this record's commit batch
 * @param crc           this record's CRC32C
 * @param length        header + key + value, without padding
 * @param encodedLength the length including padding to 8 bytes: where the next record starts
 */
public record DecodedRecord(byte kind, int flags, byte[] key, ByteBuffer value, long seq, int prevCrc,
                            int batchDelta, int crc, int length, int encodedLength) {
    public boolean isDelete() {
        return (flags & RecordCodec.FLAG_DELETE) != 0;
    }

    public long batchFirstSeq() {
        return seq - Integer.toUnsignedLong(batchDelta);
    }
}
