package org.stateos.loadclient;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.stateos.webrtc.internal.rtcp.RtcpPacket;

/** Writes what a receiver sends: receiver reports (RFC 3550 6.4.2) and generic NACKs (RFC 4585 6.2.1). */
public final class RtcpFeedback {
    private RtcpFeedback() {
    }

    /** One report block's inputs: the source's stats and the middle 32 bits of its last SR's NTP time. */
    public record Block(int ssrc, RtpReceiveStats stats, long lastSr, long sinceLastSrNanos) {
    }

    /** RR from {@code ssrc} with one report block per source; advances each source's fraction-lost interval. */
    public static void receiverReport(ByteBuf out, int ssrc, Block... blocks) {
        out.writeByte(0x80 | blocks.length);
        out.writeByte(RtcpPacket.RR);
        out.writeShort(1 + 6 * blocks.length);
        out.writeInt(ssrc);
        for (Block b : blocks) {
            RtpReceiveStats s = b.stats();
            long lost = Math.min(s.lost(), 0x7FFFFF);
            out.writeInt(b.ssrc());
            out.writeInt(s.fractionLostAndAdvance() << 24 | (int) lost);
            out.writeInt((int) s.extendedHighest());
            out.writeInt((int) s.jitterUnits());
            out.writeInt((int) b.lastSr());
            out.writeInt(b.lastSr() == 0 ? 0 : (int) (b.sinceLastSrNanos() * 65536 / 1_000_000_000L));
        }
    }

    /** Generic NACK for {@code lost} (any order, 16-bit sequence numbers) as PID + BLP entries. */
    public static void nack(ByteBuf out, int senderSsrc, int mediaSsrc, int[] lost) {
        int[] seqs = lost.clone();
        Arrays.sort(seqs);
        // sort in wrap order: start after the largest circular gap so 65535 precedes 0
        int start = 0;
        int widest = -1;
        for (int i = 0; i < seqs.length; i++) {
            int gap = (seqs[i] - seqs[(i + seqs.length - 1) % seqs.length]) & 0xFFFF;
            if (gap > widest) {
                widest = gap;
                start = i;
            }
        }
        int lengthAt = out.writerIndex() + 2;
        out.writeByte(0x80 | 1);
        out.writeByte(RtcpPacket.RTPFB);
        out.writeShort(0);
        out.writeInt(senderSsrc);
        out.writeInt(mediaSsrc);
        int entries = 0;
        int i = 0;
        while (i < seqs.length) {
            int pid = seqs[(start + i) % seqs.length];
            int blp = 0;
            i++;
            while (i < seqs.length) {
                int d = (seqs[(start + i) % seqs.length] - pid) & 0xFFFF;
                if (d < 1 || d > 16) {
                    break;
                }
                blp |= 1 << (d - 1);
                i++;
            }
            out.writeShort(pid);
            out.writeShort(blp);
            entries++;
        }
        out.setShort(lengthAt, 2 + entries);
    }
}
