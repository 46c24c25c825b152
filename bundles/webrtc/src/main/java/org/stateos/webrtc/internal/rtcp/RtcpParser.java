package org.stateos.webrtc.internal.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.Bye;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.Fir;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.Ignored;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.Nack;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.Pli;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.ReceiverReport;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.ReportBlock;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.SenderReport;
import org.stateos.webrtc.internal.rtcp.RtcpPacket.SourceDescription;

/**
 * Parses a compound RTCP packet (RFC 3550 6.1, RFC 4585 6.1, RFC 5104): SR, RR, SDES (CNAME), BYE, generic NACK,
 * PLI and FIR; REMB, TWCC, APP, XR and unknown types become {@link Ignored}. A pure function over the buffer's
 * readable bytes (indexes untouched). Every length field is checked against what is left in the packet before
 * it is used, and the count of packets and of expanded NACK entries is bounded, so any input either parses or
 * fails with an {@link RtcpException}.
 */
public final class RtcpParser {
    /** Packets in one compound packet; browsers send 2–5. */
    public static final int MAX_PACKETS = 64;
    /** Lost sequence numbers one compound packet may ask for (each NACK item names up to 17). */
    public static final int MAX_NACKED = 2048;
    static final int HEADER = 4;

    private RtcpParser() {
    }

    public static List<RtcpPacket> parse(ByteBuf buf) throws RtcpException {
        int pos = buf.readerIndex();
        int end = buf.writerIndex();
        if (end - pos < HEADER) {
            throw new RtcpException("RTCP packet of " + (end - pos) + " bytes is shorter than a header");
        }
        List<RtcpPacket> out = new ArrayList<>(4);
        int nacked = 0;
        while (pos < end) {
            if (out.size() == MAX_PACKETS) {
                throw new RtcpException("compound RTCP packet holds more than " + MAX_PACKETS + " packets");
            }
            if (end - pos < HEADER) {
                throw new RtcpException("trailing " + (end - pos) + " bytes after packet " + out.size());
            }
            int b0 = buf.getUnsignedByte(pos);
            if (b0 >> 6 != 2) {
                throw new RtcpException("packet " + out.size() + " has version " + (b0 >> 6) + ", not 2");
            }
            boolean padding = (b0 & 0x20) != 0;
            int count = b0 & 0x1f;
            int type = buf.getUnsignedByte(pos + 1);
            int length = (buf.getUnsignedShort(pos + 2) + 1) * 4; // whole packet, header included
            if (length > end - pos) {
                throw new RtcpException("packet " + out.size() + " (type " + type + ") says " + length + " bytes, "
                        + (end - pos) + " are left");
            }
            int bodyEnd = pos + length;
            if (padding) {
                int pad = buf.getUnsignedByte(bodyEnd - 1);
                if (pad == 0 || pad > length - HEADER) {
                    throw new RtcpException("packet " + out.size() + " has an invalid padding count " + pad);
                }
                bodyEnd -= pad;
            }
            int body = pos + HEADER;
            RtcpPacket p = switch (type) {
                case RtcpPacket.SR -> senderReport(buf, body, bodyEnd, count);
                case RtcpPacket.RR -> receiverReport(buf, body, bodyEnd, count);
                case RtcpPacket.SDES -> sdes(buf, body, bodyEnd, count);
                case RtcpPacket.BYE -> bye(buf, body, bodyEnd, count);
                case RtcpPacket.RTPFB -> count == 1 ? nack(buf, body, bodyEnd, MAX_NACKED - nacked)
                        : new Ignored(type, count, length);
                case RtcpPacket.PSFB -> switch (count) {
                    case 1 -> pli(buf, body, bodyEnd);
                    case 4 -> fir(buf, body, bodyEnd);
                    default -> new Ignored(type, count, length); // 15 = REMB, 2 = SLI, 3 = RPSI, ...
                };
                default -> new Ignored(type, count, length);
            };
            if (p instanceof Nack n) {
                nacked += n.lost().size();
            }
            out.add(p);
            pos += length;
        }
        return out;
    }

    private static void need(int have, int need, String what) throws RtcpException {
        if (have < need) {
            throw new RtcpException(what + " needs " + need + " bytes, has " + have);
        }
    }

    private static SenderReport senderReport(ByteBuf b, int pos, int end, int count) throws RtcpException {
        need(end - pos, 24 + 24 * count, "SR with " + count + " report blocks");
        int ssrc = b.getInt(pos);
        long ntp = b.getLong(pos + 4);
        int rtp = b.getInt(pos + 12);
        long packets = b.getUnsignedInt(pos + 16);
        long octets = b.getUnsignedInt(pos + 20);
        return new SenderReport(ssrc, ntp, rtp, packets, octets, blocks(b, pos + 24, count));
    }

    private static ReceiverReport receiverReport(ByteBuf b, int pos, int end, int count) throws RtcpException {
        need(end - pos, 4 + 24 * count, "RR with " + count + " report blocks");
        return new ReceiverReport(b.getInt(pos), blocks(b, pos + 4, count));
    }

    private static List<ReportBlock> blocks(ByteBuf b, int pos, int count) {
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++, pos += 24) {
            int lost = b.getInt(pos + 4);
            int cumulative = lost << 8 >> 8; // signed 24 bits
            blocks.add(new ReportBlock(b.getInt(pos), lost >>> 24, cumulative, b.getUnsignedInt(pos + 8),
                    b.getUnsignedInt(pos + 12), b.getUnsignedInt(pos + 16), b.getUnsignedInt(pos + 20)));
        }
        return blocks;
    }

    private static SourceDescription sdes(ByteBuf b, int pos, int end, int count) throws RtcpException {
        List<SourceDescription.Chunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            need(end - pos, 4, "SDES chunk " + i);
            int ssrc = b.getInt(pos);
            pos += 4;
            String cname = null;
            while (true) {
                need(end - pos, 1, "SDES chunk " + i + " item");
                int item = b.getUnsignedByte(pos);
                if (item == 0) {
                    // end of the item list, then padding to the next 32-bit boundary
                    pos = (pos + 4) & ~3;
                    if (pos > end) {
                        throw new RtcpException("SDES chunk " + i + " padding runs past the packet");
                    }
                    break;
                }
                need(end - pos, 2, "SDES item");
                int len = b.getUnsignedByte(pos + 1);
                need(end - pos - 2, len, "SDES item of type " + item);
                if (item == 1 && cname == null) {
                    cname = b.toString(pos + 2, len, StandardCharsets.UTF_8);
                }
                pos += 2 + len;
            }
            chunks.add(new SourceDescription.Chunk(ssrc, cname));
        }
        return new SourceDescription(chunks);
    }

    private static Bye bye(ByteBuf b, int pos, int end, int count) throws RtcpException {
        need(end - pos, 4 * count, "BYE with " + count + " SSRCs");
        List<Integer> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++, pos += 4) {
            ssrcs.add(b.getInt(pos));
        }
        String reason = null;
        if (pos < end) {
            int len = b.getUnsignedByte(pos);
            need(end - pos - 1, len, "BYE reason");
            reason = b.toString(pos + 1, len, StandardCharsets.UTF_8);
        }
        return new Bye(ssrcs, reason);
    }

    private static Nack nack(ByteBuf b, int pos, int end, int budget) throws RtcpException {
        need(end - pos, 12, "generic NACK");
        if ((end - pos - 8) % 4 != 0) {
            throw new RtcpException("generic NACK FCI of " + (end - pos - 8) + " bytes is not a multiple of 4");
        }
        int sender = b.getInt(pos);
        int media = b.getInt(pos + 4);
        List<Integer> lost = new ArrayList<>();
        for (int i = pos + 8; i < end; i += 4) {
            int pid = b.getUnsignedShort(i);
            int blp = b.getUnsignedShort(i + 2);
            if (lost.size() + 1 + Integer.bitCount(blp) > budget) {
                throw new RtcpException("NACKs in one compound packet ask for more than " + MAX_NACKED + " packets");
            }
            lost.add(pid);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    lost.add((pid + bit + 1) & 0xffff);
                }
            }
        }
        return new Nack(sender, media, lost);
    }

    private static Pli pli(ByteBuf b, int pos, int end) throws RtcpException {
        need(end - pos, 8, "PLI");
        return new Pli(b.getInt(pos), b.getInt(pos + 4));
    }

    private static Fir fir(ByteBuf b, int pos, int end) throws RtcpException {
        need(end - pos, 8, "FIR");
        if ((end - pos - 8) % 8 != 0) {
            throw new RtcpException("FIR FCI of " + (end - pos - 8) + " bytes is not a multiple of 8");
        }
        int sender = b.getInt(pos);
        List<Fir.Entry> entries = new ArrayList<>((end - pos - 8) / 8);
        for (int i = pos + 8; i < end; i += 8) {
            entries.add(new Fir.Entry(b.getInt(i), b.getUnsignedByte(i + 4)));
        }
        return new Fir(sender, entries);
    }
}
