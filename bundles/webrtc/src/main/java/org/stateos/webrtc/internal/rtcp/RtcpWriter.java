package org.stateos.webrtc.internal.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes the RTCP this sender sends: a sender report without report blocks, and an SDES with one CNAME. */
public final class RtcpWriter {
    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    public static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    public static final int SR_BYTES = 28;

    private RtcpWriter() {
    }

    /** A 64-bit NTP timestamp (RFC 5905: seconds since 1900 in the high 32 bits, fraction in the low 32). */
    public static long ntp(long unixMicros) {
        long seconds = Math.floorDiv(unixMicros, 1_000_000L);
        long micros = Math.floorMod(unixMicros, 1_000_000L);
        return (seconds + NTP_UNIX_OFFSET_SECONDS) << 32 | (micros << 32) / 1_000_000L;
    }

    /** The Unix time in microseconds of a 64-bit NTP timestamp. */
    public static long unixMicros(long ntp) {
        long seconds = (ntp >>> 32) - NTP_UNIX_OFFSET_SECONDS;
        return seconds * 1_000_000L + ((ntp & 0xffffffffL) * 1_000_000L >>> 32);
    }

    /** SR (RFC 3550 6.4.1) with no report blocks: 28 bytes. */
    public static void senderReport(ByteBuf out, int ssrc, long ntp, int rtpTimestamp, long packets, long octets) {
        out.writeByte(0x80);
        out.writeByte(RtcpPacket.SR);
        out.writeShort(SR_BYTES / 4 - 1);
        out.writeInt(ssrc);
        out.writeLong(ntp);
        out.writeInt(rtpTimestamp);
        out.writeInt((int) packets);
        out.writeInt((int) octets);
    }

    /** The size of {@link #sdesCname}'s packet for a CNAME. */
    public static int sdesBytes(String cname) {
        int items = 2 + cname.getBytes(StandardCharsets.UTF_8).length + 1; // CNAME item + END
        return 4 + ((4 + items + 3) & ~3);
    }

    /** SDES (RFC 3550 6.5) with one chunk holding a CNAME (at most 255 bytes of UTF-8). */
    public static void sdesCname(ByteBuf out, int ssrc, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        if (name.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        int total = sdesBytes(cname);
        out.writeByte(0x81);
        out.writeByte(RtcpPacket.SDES);
        out.writeShort(total / 4 - 1);
        out.writeInt(ssrc);
        out.writeByte(1);
        out.writeByte(name.length);
        out.writeBytes(name);
        int written = 4 + 2 + name.length;
        out.writeZero(total - 4 - written); // END item and padding to a 32-bit boundary
    }
}
