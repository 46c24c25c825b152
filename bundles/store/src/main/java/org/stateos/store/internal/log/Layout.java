package org.stateos.store.internal.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/** The fixed parts of the on-disk layout (FORMAT.md): superblock, checkpoint slots, foreign signatures. */
final class Layout {
    static final int BLOCK = 4096;
    static final long SLOT_A = BLOCK;
    static final int SLOT_BYTES = 64 * 1024;
    static final long SLOT_B = SLOT_A + SLOT_BYTES;
    static final long DATA_START = 1L << 20;
    static final int FORMAT_VERSION = 2;
    /** Slot version 3 (this engine) adds inline values and hints to index entries; version 2 slots still load. */
    static final int SLOT_VERSION = 3;
    static final byte[] SUPER_MAGIC = "STOSLOG\0".getBytes(StandardCharsets.US_ASCII);
    static final int SLOT_MAGIC = 0x504B4353; // "SCKP" as little-endian bytes
    static final int SLOT_HEADER = 96;
    static final int CHUNK_REF_BYTES = 12;
    static final int MAX_CHUNKS = (SLOT_BYTES - SLOT_HEADER - 4) / CHUNK_REF_BYTES;
    /** How much of the device's start is read to look for foreign signatures (btrfs sits at 65600). */
    static final int PROBE_BYTES = 72 * 1024;

    private Layout() {
    }

    static long alignUp(long n) {
        return (n + BLOCK - 1) & -(long) BLOCK;
    }

    record Superblock(long deviceBytes, long segmentBytes, int segmentCount, long dataStart, UUID uuid,
                      long formatTimeMillis, int maxValueBytes) {
        static final int CRC_OFFSET = 92;

        ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
            b.put(SUPER_MAGIC).putInt(FORMAT_VERSION).putInt(BLOCK).putLong(deviceBytes).putLong(segmentBytes)
                    .putInt(segmentCount).putInt(SLOT_BYTES).putLong(SLOT_A).putLong(SLOT_B).putLong(dataStart)
                    .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                    .putLong(formatTimeMillis).putInt(maxValueBytes);
            b.putInt(CRC_OFFSET, crc(b, 0, CRC_OFFSET));
            b.clear();
            return b;
        }

        /** Decodes block 0; every field is checked against the device and the format's limits. */
        static Superblock decode(ByteBuffer block, long deviceSize) throws CorruptRecordException {
            ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int p = b.position();
            if (b.remaining() < BLOCK) {
                throw new CorruptRecordException("superblock truncated", 0);
            }
            for (int i = 0; i < SUPER_MAGIC.length; i++) {
                if (b.get(p + i) != SUPER_MAGIC[i]) {
                    throw new CorruptRecordException("no StateOS log superblock (magic)", 0);
                }
            }
            int stored = b.getInt(p + CRC_OFFSET);
            if (stored != crc(b, p, CRC_OFFSET)) {
                throw new CorruptRecordException("superblock CRC32C mismatch", 0);
            }
            int version = b.getInt(p + 8);
            if (version != FORMAT_VERSION) {
                throw new CorruptRecordException("unsupported format version " + version, 0);
            }
            int blockSize = b.getInt(p + 12);
            long devBytes = b.getLong(p + 16);
            long segBytes = b.getLong(p + 24);
            int segCount = b.getInt(p + 32);
            int slotBytes = b.getInt(p + 36);
            long slotA = b.getLong(p + 40);
            long slotB = b.getLong(p + 48);
            long dataStart = b.getLong(p + 56);
            UUID uuid = new UUID(b.getLong(p + 64), b.getLong(p + 72));
            long time = b.getLong(p + 80);
            int maxValue = b.getInt(p + 88);
            if (blockSize != BLOCK || slotBytes != SLOT_BYTES || slotA != SLOT_A || slotB != SLOT_B || dataStart != DATA_START) {
                throw new CorruptRecordException("superblock layout fields differ from format version " + FORMAT_VERSION, 0);
            }
            if (segBytes < 64 * 1024 || segBytes % BLOCK != 0 || segBytes > (1L << 30) || segCount < 3
                    || dataStart + segBytes * segCount > devBytes) {
                throw new CorruptRecordException("superblock segment geometry is invalid", 0);
            }
            if (devBytes > deviceSize) {
                throw new CorruptRecordException("superblock says the device has " + devBytes + " bytes but it has "
                        + deviceSize, 0);
            }
            if (maxValue < 0 || RecordCodec.encodedLength(RecordLog.MAX_KEY_BYTES, maxValue) > segBytes / 2) {
                throw new CorruptRecordException("superblock max value bytes " + maxValue + " out of range", 0);
            }
            return new Superblock(devBytes, segBytes, segCount, dataStart, uuid, time, maxValue);
        }
    }

    record ChunkRef(int segment, int offset, int length) {
    }

    /**
     * One checkpoint slot: the log position the snapshot covers (replay starts there) and where its chunks are.
     * {@code tailSeq} is the next sequence number when the slot was written; {@code clean} says the log was
     * closed right after, so a replay that ends exactly at tailSeq needs no look for a torn tail.
     */
    record Slot(long generation, UUID uuid, long coveredSeq, int coveredSegment, int coveredOffset, int coveredPrevCrc,
                long entryCount, long snapshotBytes, long timeMillis, boolean clean, long tailSeq, List<ChunkRef> chunks) {
        ByteBuffer encode() {
            if (chunks.size() > MAX_CHUNKS) {
                throw new IllegalArgumentException("too many checkpoint chunks: " + chunks.size());
            }
            ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(SLOT_MAGIC).putInt(SLOT_VERSION).putLong(generation).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits()).putLong(coveredSeq).putInt(coveredSegment)
                    .putInt(coveredOffset).putInt(coveredPrevCrc).putInt(chunks.size()).putLong(entryCount)
                    .putLong(snapshotBytes).putLong(timeMillis).putInt(clean ? 1 : 0).putInt(0).putLong(tailSeq);
            b.position(SLOT_HEADER);
            for (ChunkRef c : chunks) {
                b.putInt(c.segment()).putInt(c.offset()).putInt(c.length());
            }
            int end = b.position();
            b.putInt(end, crc(b, 0, end));
            b.clear();
            return b;
        }

        static Slot decode(ByteBuffer slot, UUID expected, Superblock sb) throws CorruptRecordException {
            ByteBuffer b = slot.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int p = b.position();
            if (b.remaining() < SLOT_BYTES) {
                throw new CorruptRecordException("checkpoint slot truncated");
            }
            if (b.getInt(p) != SLOT_MAGIC) {
                throw new CorruptRecordException("no checkpoint in slot (magic)");
            }
            int n = b.getInt(p + 52);
            if (n < 0 || n > MAX_CHUNKS) {
                throw new CorruptRecordException("checkpoint chunk count " + n + " out of range");
            }
            int end = SLOT_HEADER + n * CHUNK_REF_BYTES;
            if (b.getInt(p + end) != crc(b, p, end)) {
                throw new CorruptRecordException("checkpoint slot CRC32C mismatch");
            }
            if (b.getInt(p + 4) != FORMAT_VERSION && b.getInt(p + 4) != SLOT_VERSION) {
                throw new CorruptRecordException("checkpoint slot version " + b.getInt(p + 4));
            }
            UUID uuid = new UUID(b.getLong(p + 16), b.getLong(p + 24));
            if (!uuid.equals(expected)) {
                throw new CorruptRecordException("checkpoint slot belongs to another log (uuid " + uuid + ")");
            }
            long gen = b.getLong(p + 8);
            long seq = b.getLong(p + 32);
            int seg = b.getInt(p + 40);
            int off = b.getInt(p + 44);
            int prev = b.getInt(p + 48);
            long entries = b.getLong(p + 56);
            long bytes = b.getLong(p + 64);
            long time = b.getLong(p + 72);
            boolean clean = b.getInt(p + 80) == 1;
            long tailSeq = b.getLong(p + 88);
            if (gen < 0 || seq < 1 || tailSeq < seq || seg < 0 || seg >= sb.segmentCount() || off < 0
                    || off > sb.segmentBytes() - RecordCodec.HEADER_BYTES || off % RecordCodec.ALIGN != 0 || entries < 0) {
                throw new CorruptRecordException("checkpoint slot fields out of range");
            }
            List<ChunkRef> chunks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int q = p + SLOT_HEADER + i * CHUNK_REF_BYTES;
                int cs = b.getInt(q);
                int co = b.getInt(q + 4);
                int cl = b.getInt(q + 8);
                if (cs < 0 || cs >= sb.segmentCount() || co < 0 || cl < RecordCodec.HEADER_BYTES
                        || (long) co + cl > sb.segmentBytes()) {
                    throw new CorruptRecordException("checkpoint chunk " + i + " location out of range");
                }
                chunks.add(new ChunkRef(cs, co, cl));
            }
            return new Slot(gen, uuid, seq, seg, off, prev, entries, bytes, time, clean, tailSeq, List.copyOf(chunks));
        }
    }

    static int crc(ByteBuffer b, int from, int len) {
        CRC32C c = new CRC32C();
        c.update(b.duplicate().limit(from + len).position(from));
        return (int) c.getValue();
    }

    /**
     * Names what the first bytes of a device hold, or null when nothing is recognised.
     * {@code head} starts at device offset 0 and may be shorter than {@link #PROBE_BYTES}.
     */
    static String identify(ByteBuffer head) {
        ByteBuffer b = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining();
        int p = b.position();
        if (n >= 8 && matches(b, p, SUPER_MAGIC)) {
            try {
                Superblock sb = Superblock.decode(b, Long.MAX_VALUE);
                return "a StateOS log (uuid " + sb.uuid() + ", " + sb.deviceBytes() + " bytes, formatted "
                        + java.time.Instant.ofEpochMilli(sb.formatTimeMillis()) + ")";
            } catch (CorruptRecordException e) {
                return "a damaged StateOS log superblock (" + e.reason() + ")";
            }
        }
        if (n >= 4 && matches(b, p, "XFSB".getBytes(StandardCharsets.US_ASCII))) {
            return "an XFS file system (\"XFSB\" at byte 0)";
        }
        if (n >= 6 && matches(b, p, new byte[] {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE})) {
            return "a LUKS encrypted volume (at byte 0)";
        }
        if (n >= 520 && matches(b, p + 512, "EFI PART".getBytes(StandardCharsets.US_ASCII))) {
            return "a GPT partition table (\"EFI PART\" at byte 512)";
        }
        if (n >= 520 && matches(b, p + 512, "LABELONE".getBytes(StandardCharsets.US_ASCII))) {
            return "an LVM physical volume (\"LABELONE\" at byte 512)";
        }
        if (n >= 1082 && (b.getShort(p + 1080) & 0xFFFF) == 0xEF53) {
            return "an ext2/3/4 file system (magic 0xEF53 at byte 1080)";
        }
        if (n >= 4096 && matches(b, p + 4086, "SWAPSPACE2".getBytes(StandardCharsets.US_ASCII))) {
            return "a swap area (\"SWAPSPACE2\" at byte 4086)";
        }
        if (n >= 65608 && matches(b, p + 65600, "_BHRfS_M".getBytes(StandardCharsets.US_ASCII))) {
            return "a btrfs file system (\"_BHRfS_M\" at byte 65600)";
        }
        if (n >= 512 && (b.get(p + 510) & 0xFF) == 0x55 && (b.get(p + 511) & 0xFF) == 0xAA) {
            return "an MBR partition table or boot sector (0x55AA at byte 510)";
        }
        return null;
    }

    private static boolean matches(ByteBuffer b, int at, byte[] sig) {
        for (int i = 0; i < sig.length; i++) {
            if (b.get(at + i) != sig[i]) {
                return false;
            }
        }
        return true;
    }
}
