package org.stateos.webrtc.internal.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.function.Consumer;

/**
 * H264 RTP payloader, RFC 6184 packetization-mode 1 (non-interleaved): one access unit in AVCC form (NAL units
 * with a big-endian length prefix) becomes single-NAL packets, FU-A fragments for NAL units over the payload
 * limit, and, before a keyframe, a STAP-A with the SPS and PPS. The marker bit is set on the last packet of the
 * access unit.
 *
 * <p>The access unit is checked whole before the first packet is made: a malformed one (a length running past the
 * end, too many NAL units) is refused with an {@link IllegalArgumentException} and produces nothing, so a viewer
 * never gets half a picture. Access unit delimiters (type 9) and filler (type 12) are not sent.
 */
public final class H264Packetizer {
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;
    public static final int NAL_AUD = 9;
    public static final int NAL_FILLER = 12;
    public static final int NAL_STAP_A = 24;
    public static final int NAL_FU_A = 28;
    /** NAL units per access unit; an encoder writes a handful (slices, SEI). */
    public static final int MAX_NALS = 512;

    private final int maxPayload;
    private final int[] offsets = new int[MAX_NALS];
    private final int[] lengths = new int[MAX_NALS];

    /** @param maxPayload bytes of RTP payload per packet (after the 12-byte header), at least 64 */
    public H264Packetizer(int maxPayload) {
        if (maxPayload < 64 || maxPayload > 65_000) {
            throw new IllegalArgumentException("RTP payload limit out of range 64..65000: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    public int maxPayload() {
        return maxPayload;
    }

    /**
     * Packetizes one access unit; the packets go to {@code out} in order (it owns each one).
     *
     * @param avcc          the access unit; its readable bytes are read, its indexes are not changed
     * @param nalLengthSize bytes of each length prefix (1, 2 or 4, from the avcC)
     * @param parameterSets SPS and PPS to send first in a STAP-A (for a keyframe), or an empty list; skipped when
     *                      the access unit carries its own SPS
     * @return the number of packets made
     * @throws IllegalArgumentException for a malformed access unit (nothing was sent)
     */
    public int packetize(ByteBuf avcc, int nalLengthSize, List<byte[]> parameterSets, RtpStream stream, int rtpTimestamp,
            ByteBufAllocator alloc, Consumer<ByteBuf> out) {
        PacketizedFrame f = payloads(avcc, nalLengthSize, parameterSets);
        for (int i = 0; i < f.count(); i++) {
            ByteBuf p = stream.newPacket(alloc, f.length(i), f.marker(i), rtpTimestamp);
            p.writeBytes(f.data(), f.offset(i), f.length(i));
            out.accept(p);
        }
        return f.count();
    }

    /**
     * The RTP payloads of one access unit (see the class comment), without headers: what every viewer of the
     * stream shares. Same arguments and checks as {@link #packetize}.
     *
     * @throws IllegalArgumentException for a malformed access unit
     */
    public PacketizedFrame payloads(ByteBuf avcc, int nalLengthSize, List<byte[]> parameterSets) {
        int count = split(avcc, nalLengthSize);
        boolean inBandSps = false;
        for (int i = 0; i < count; i++) {
            inBandSps |= (avcc.getByte(offsets[i]) & 0x1f) == NAL_SPS;
        }
        boolean sendSets = !parameterSets.isEmpty() && !inBandSps;
        // Upper bound of packets and bytes: every NAL unit fragmented, 2 bytes of FU header per fragment.
        int chunk = maxPayload - 2;
        int maxPackets = 0;
        int maxBytes = 0;
        for (int i = 0; i < count; i++) {
            maxPackets += lengths[i] / chunk + 1;
            maxBytes += lengths[i] + 2 * (lengths[i] / chunk + 1);
        }
        if (sendSets) {
            maxBytes += 1;
            for (byte[] set : parameterSets) {
                maxPackets += set.length / chunk + 1;
                maxBytes += 2 + set.length + 2 * (set.length / chunk + 1);
            }
        }
        Builder b = new Builder(maxBytes, maxPackets);
        if (sendSets) {
            int stapSize = 1;
            int nri = 0;
            for (byte[] set : parameterSets) {
                stapSize += 2 + set.length;
                nri = Math.max(nri, set[0] & 0x60);
            }
            if (stapSize <= maxPayload && parameterSets.size() > 1) {
                b.begin();
                b.put(nri | NAL_STAP_A);
                for (byte[] set : parameterSets) {
                    b.put(set.length >>> 8);
                    b.put(set.length);
                    b.put(set, 0, set.length);
                }
                b.end();
            } else {
                for (byte[] set : parameterSets) {
                    nal(io.netty.buffer.Unpooled.wrappedBuffer(set), 0, set.length, b);
                }
            }
        }
        for (int i = 0; i < count; i++) {
            nal(avcc, offsets[i], lengths[i], b);
        }
        return b.build();
    }

    /** Appends packet payloads to one array. */
    private static final class Builder {
        final byte[] data;
        final int[] offsets;
        final int[] lengths;
        int pos;
        int count;

        Builder(int maxBytes, int maxPackets) {
            data = new byte[maxBytes];
            offsets = new int[maxPackets];
            lengths = new int[maxPackets];
        }

        void begin() {
            offsets[count] = pos;
        }

        void put(int b) {
            data[pos++] = (byte) b;
        }

        void put(byte[] src, int off, int len) {
            System.arraycopy(src, off, data, pos, len);
            pos += len;
        }

        void put(ByteBuf src, int off, int len) {
            src.getBytes(off, data, pos, len);
            pos += len;
        }

        void end() {
            lengths[count] = pos - offsets[count];
            count++;
        }

        PacketizedFrame build() {
            return new PacketizedFrame(data, offsets, lengths, count);
        }
    }

    /**
     * Finds the NAL units of an access unit (into {@link #offsets} and {@link #lengths}), dropping AUD, filler and
     * empty ones. Checks every length against what is left.
     */
    int split(ByteBuf avcc, int nalLengthSize) {
        if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4) {
            throw new IllegalArgumentException("NAL length size " + nalLengthSize + " is not 1, 2 or 4");
        }
        int pos = avcc.readerIndex();
        int end = avcc.writerIndex();
        int count = 0;
        while (pos < end) {
            if (end - pos < nalLengthSize) {
                throw new IllegalArgumentException("access unit ends inside a NAL length prefix (" + (end - pos) + " bytes left)");
            }
            long len = switch (nalLengthSize) {
                case 1 -> avcc.getUnsignedByte(pos);
                case 2 -> avcc.getUnsignedShort(pos);
                default -> avcc.getUnsignedInt(pos);
            };
            pos += nalLengthSize;
            if (len > end - pos) {
                throw new IllegalArgumentException("NAL unit of " + len + " bytes runs past the " + (end - pos)
                        + " bytes left in the access unit");
            }
            if (len > 0) {
                int type = avcc.getByte(pos) & 0x1f;
                if ((avcc.getByte(pos) & 0x80) != 0) {
                    throw new IllegalArgumentException("NAL unit with forbidden_zero_bit set");
                }
                if (type != NAL_AUD && type != NAL_FILLER) {
                    if (count == MAX_NALS) {
                        throw new IllegalArgumentException("access unit has more than " + MAX_NALS + " NAL units");
                    }
                    offsets[count] = pos;
                    lengths[count] = (int) len;
                    count++;
                }
            }
            pos += (int) len;
        }
        return count;
    }

    /** One NAL unit as a single-NAL packet or FU-A fragments. */
    private void nal(ByteBuf src, int offset, int length, Builder b) {
        if (length <= maxPayload) {
            b.begin();
            b.put(src, offset, length);
            b.end();
            return;
        }
        int header = src.getByte(offset) & 0xff;
        int indicator = header & 0xe0 | NAL_FU_A; // F and NRI of the NAL unit
        int type = header & 0x1f;
        int pos = offset + 1; // the NAL header travels in the FU indicator and header, not the fragments
        int left = length - 1;
        int chunk = maxPayload - 2;
        boolean first = true;
        while (left > 0) {
            int n = Math.min(chunk, left);
            boolean last = n == left;
            b.begin();
            b.put(indicator);
            b.put((first ? 0x80 : 0) | (last ? 0x40 : 0) | type);
            b.put(src, pos, n);
            b.end();
            pos += n;
            left -= n;
            first = false;
        }
    }
}
