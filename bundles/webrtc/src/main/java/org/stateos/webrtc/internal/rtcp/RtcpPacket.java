package org.stateos.webrtc.internal.rtcp;

import java.util.List;

/** One packet of a compound RTCP packet, as {@link RtcpParser} reads it. Values, no buffers. */
public sealed interface RtcpPacket {
    int SR = 200;
    int RR = 201;
    int SDES = 202;
    int BYE = 203;
    int APP = 204;
    int RTPFB = 205;
    int PSFB = 206;

    /** A reception report block (RFC 3550 6.4.1). */
    record ReportBlock(int ssrc, int fractionLost, int cumulativeLost, long highestSequence, long jitter,
            long lastSr, long delaySinceLastSr) {
    }

    record SenderReport(int ssrc, long ntpTimestamp, int rtpTimestamp, long packets, long octets,
            List<ReportBlock> reports) implements RtcpPacket {
        public SenderReport {
            reports = List.copyOf(reports);
        }
    }

    record ReceiverReport(int ssrc, List<ReportBlock> reports) implements RtcpPacket {
        public ReceiverReport {
            reports = List.copyOf(reports);
        }
    }

    /** Source descriptions; only the CNAME of each chunk is kept (null when a chunk has none). */
    record SourceDescription(List<Chunk> chunks) implements RtcpPacket {
        public SourceDescription {
            chunks = List.copyOf(chunks);
        }

        public record Chunk(int ssrc, String cname) {
        }
    }

    record Bye(List<Integer> ssrcs, String reason) implements RtcpPacket {
        public Bye {
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /** Generic NACK (RTPFB FMT 1, RFC 4585 6.2.1), expanded to the lost sequence numbers. */
    record Nack(int senderSsrc, int mediaSsrc, List<Integer> lost) implements RtcpPacket {
        public Nack {
            lost = List.copyOf(lost);
        }
    }

    /** Picture loss indication (PSFB FMT 1, RFC 4585 6.3.1). */
    record Pli(int senderSsrc, int mediaSsrc) implements RtcpPacket {
    }

    /** Full intra request (PSFB FMT 4, RFC 5104 4.3.1): the SSRCs asked for a keyframe, with their sequence numbers. */
    record Fir(int senderSsrc, List<Entry> entries) implements RtcpPacket {
        public Fir {
            entries = List.copyOf(entries);
        }

        public record Entry(int ssrc, int sequence) {
        }
    }

    /** Understood but not used here: REMB, transport-wide CC, APP, XR and other feedback. */
    record Ignored(int packetType, int format, int lengthBytes) implements RtcpPacket {
    }
}
