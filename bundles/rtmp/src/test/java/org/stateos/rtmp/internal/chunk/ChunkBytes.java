package org.stateos.rtmp.internal.chunk;

import java.io.ByteArrayOutputStream;

/** Writes chunk headers of every type by hand, for tests and fuzz seeds (the server's encoder only writes 0 and 3). */
final class ChunkBytes {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ChunkBytes basic(int fmt, int csid) {
        if (csid < 64) {
            out.write(fmt << 6 | csid);
        } else if (csid < 320) {
            out.write(fmt << 6);
            out.write(csid - 64);
        } else {
            out.write(fmt << 6 | 1);
            out.write((csid - 64) & 0xFF);
            out.write((csid - 64) >> 8);
        }
        return this;
    }

    ChunkBytes u24(long v) {
        out.write((int) (v >> 16));
        out.write((int) (v >> 8));
        out.write((int) v);
        return this;
    }

    ChunkBytes u32(long v) {
        out.write((int) (v >> 24));
        out.write((int) (v >> 16));
        out.write((int) (v >> 8));
        out.write((int) v);
        return this;
    }

    ChunkBytes le32(int v) {
        out.write(v);
        out.write(v >> 8);
        out.write(v >> 16);
        out.write(v >> 24);
        return this;
    }

    ChunkBytes u8(int v) {
        out.write(v);
        return this;
    }

    ChunkBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    ChunkBytes bytes(int n, int value) {
        for (int i = 0; i < n; i++) {
            out.write(value);
        }
        return this;
    }

    /** Type 0 header; the timestamp goes to the extended field when it needs to. */
    ChunkBytes type0(int csid, long ts, int length, int type, int streamId) {
        basic(0, csid).u24(Math.min(ts, 0xFFFFFF)).u24(length).u8(type).le32(streamId);
        return ts >= 0xFFFFFF ? u32(ts) : this;
    }

    ChunkBytes type1(int csid, long delta, int length, int type) {
        basic(1, csid).u24(Math.min(delta, 0xFFFFFF)).u24(length).u8(type);
        return delta >= 0xFFFFFF ? u32(delta) : this;
    }

    ChunkBytes type2(int csid, long delta) {
        basic(2, csid).u24(Math.min(delta, 0xFFFFFF));
        return delta >= 0xFFFFFF ? u32(delta) : this;
    }

    ChunkBytes type3(int csid) {
        return basic(3, csid);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** A session-like sequence: Set Chunk Size, a command, video split over chunks, audio with type 1/2/3 headers. */
    static byte[] sample() {
        ChunkBytes b = new ChunkBytes();
        b.type0(2, 0, 4, MessageType.SET_CHUNK_SIZE, 0).u32(16);
        b.type0(3, 0, 10, MessageType.COMMAND_AMF0, 0).bytes(new byte[] {2, 0, 7, 'c', 'o', 'n', 'n', 'e', 'c', 't'});
        b.type0(6, 1000, 40, MessageType.VIDEO, 1).bytes(16, 0x17).type3(6).bytes(16, 0x01).type3(6).bytes(8, 0x02);
        b.type0(4, 0xFFFFFF0L, 3, MessageType.AUDIO, 1).bytes(3, 0xAF);
        b.type1(4, 23, 5, MessageType.AUDIO).bytes(5, 0xAF);
        b.type2(4, 23).bytes(5, 0xAE);
        b.type3(4).bytes(5, 0xAD);
        b.type0(70, 5, 20, MessageType.DATA_AMF0, 1).bytes(16, 0x05).type3(70).bytes(4, 0x05);
        b.type0(400, 5, 0, MessageType.USER_CONTROL, 0);
        b.type0(2, 0, 4, MessageType.ABORT, 0).u32(6);
        return b.toByteArray();
    }
}
