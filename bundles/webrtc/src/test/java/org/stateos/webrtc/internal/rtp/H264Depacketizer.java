package org.stateos.webrtc.internal.rtp;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 6184 depacketizer for tests: reassembles NAL units from single-NAL, STAP-A and FU-A packets and
 * fails on anything a receiver would reject (missing start/end, interleaved fragments, wrong types).
 */
final class H264Depacketizer {
    final List<byte[]> nals = new ArrayList<>();
    private ByteArrayOutputStream fu;
    private int fuType;

    void add(ByteBuf rtp) {
        int off = rtp.readerIndex() + RtpStream.HEADER_BYTES;
        int len = rtp.readableBytes() - RtpStream.HEADER_BYTES;
        byte[] p = new byte[len];
        rtp.getBytes(off, p);
        int type = p[0] & 0x1f;
        if (type >= 1 && type <= 23) {
            if (fu != null) {
                throw new AssertionError("single NAL inside an unfinished FU-A");
            }
            nals.add(p);
        } else if (type == 24) {
            int pos = 1;
            while (pos < p.length) {
                int size = (p[pos] & 0xff) << 8 | p[pos + 1] & 0xff;
                pos += 2;
                byte[] nal = new byte[size];
                System.arraycopy(p, pos, nal, 0, size);
                nals.add(nal);
                pos += size;
            }
            if (pos != p.length) {
                throw new AssertionError("STAP-A sizes overrun");
            }
        } else if (type == 28) {
            boolean start = (p[1] & 0x80) != 0;
            boolean end = (p[1] & 0x40) != 0;
            if (start) {
                if (fu != null) {
                    throw new AssertionError("FU-A start inside an unfinished FU-A");
                }
                fu = new ByteArrayOutputStream();
                fuType = p[1] & 0x1f;
                fu.write(p[0] & 0xe0 | fuType);
            } else if (fu == null || (p[1] & 0x1f) != fuType) {
                throw new AssertionError("FU-A continuation without a start");
            }
            fu.write(p, 2, p.length - 2);
            if (end) {
                nals.add(fu.toByteArray());
                fu = null;
            }
        } else {
            throw new AssertionError("unexpected NAL type " + type);
        }
    }

    boolean inFragment() {
        return fu != null;
    }
}
