package org.stateos.webrtc.internal.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.stateos.api.media.Frame;
import org.stateos.webrtc.internal.transport.PeerTransport;

/**
 * One outgoing RTP stream (one SSRC, RFC 3550): writes packet headers, numbers packets and maps frame times to
 * RTP time. Sequence numbers run on across everything (keyframe waits, publisher takeovers); the timestamp keeps
 * a per-session random offset, and after a {@link Frame#DISCONTINUITY} that moves the frame clock backwards or
 * far ahead it is rebased so that RTP time advances by the wall-clock (ingest) time between the frames.
 *
 * <p>Also keeps what a sender report needs: packet and octet counts, and the latest mapping from RTP time to the
 * ingest wall clock. Not thread-safe: used on its session's event loop only.
 */
public final class RtpStream {
    public static final int HEADER_BYTES = 12;
    /** Frame-clock jumps beyond this (forwards) are treated as a new timeline after a discontinuity. */
    static final long MAX_FORWARD_JUMP_TICKS = 10L * Frame.TIMEBASE;

    private final int ssrc;
    private final int payloadType;
    private final int clockRate;
    private int nextSequence;
    private long offset; // RTP ticks added to the frame clock (converted to clockRate)
    private boolean started;
    private long lastFrameTicks; // last frame pts, in clockRate ticks, before the offset
    private long lastIngestMicros;

    private long packets;
    private long octets;
    private int lastRtpTimestamp;
    private long lastWallMicros; // ingest wall clock of the frame at lastRtpTimestamp
    private boolean haveMapping;

    public RtpStream(int ssrc, int payloadType, int clockRate, int initialSequence, int initialTimestamp) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.nextSequence = initialSequence & 0xffff;
        this.offset = Integer.toUnsignedLong(initialTimestamp);
    }

    public int ssrc() {
        return ssrc;
    }

    public int clockRate() {
        return clockRate;
    }

    public int payloadType() {
        return payloadType;
    }

    public int nextSequence() {
        return nextSequence;
    }

    public long packets() {
        return packets;
    }

    public long octets() {
        return octets;
    }

    /**
     * The RTP timestamp of a frame, rebasing the timeline after a discontinuity (see the class comment). Updates
     * the RTP-to-wall-clock mapping unless {@code compressed} (frames re-timed to catch up, see the session).
     *
     * @param presentationMicros the frame's presentation instant on the ingest wall clock
     */
    public int timestamp(long pts, boolean discontinuity, long presentationMicros) {
        // Exact for 90 kHz; for 48 kHz the product stays far from overflow (2^63 / 48000 ticks is 67 years).
        long ticks = clockRate == Frame.TIMEBASE ? pts : Math.floorDiv(pts * clockRate, Frame.TIMEBASE);
        if (started && discontinuity) {
            long jump = ticks - lastFrameTicks;
            if (jump <= 0 || jump > MAX_FORWARD_JUMP_TICKS * clockRate / Frame.TIMEBASE) {
                long wall = Math.max(0, presentationMicros - lastIngestMicros);
                long elapsed = Math.max(1, Math.min(wall, 10_000_000L) * clockRate / 1_000_000L);
                offset += lastFrameTicks + elapsed - ticks;
            }
        }
        started = true;
        lastFrameTicks = ticks;
        lastIngestMicros = presentationMicros;
        return (int) (ticks + offset);
    }

    /** How long a mapping is kept against frames that arrive later than it predicts. */
    static final long MAPPING_MAX_AGE_MICROS = 5_000_000L;

    /**
     * Records that the frame sent at {@code rtpTimestamp} was presented at {@code wallMicros} (ingest clock).
     * Ingest is bursty (a large keyframe, a congested uplink), so the mapping follows the frames that arrive
     * earliest for their timestamp: a frame later than the current mapping predicts only replaces it once the
     * mapping is {@link #MAPPING_MAX_AGE_MICROS} old (clock drift, a publisher restart). Otherwise one late frame
     * would shift every later frame's ingest time and make latency read low, even below zero.
     */
    public void mapping(int rtpTimestamp, long wallMicros) {
        if (haveMapping && wallMicros - lastWallMicros < MAPPING_MAX_AGE_MICROS
                && rtpTimestamp - timestampAt(wallMicros) < 0) {
            return; // arrived later than predicted: keep the earlier, tighter mapping
        }
        lastRtpTimestamp = rtpTimestamp;
        lastWallMicros = wallMicros;
        haveMapping = true;
    }

    public boolean hasMapping() {
        return haveMapping;
    }

    /**
     * The RTP timestamp that corresponds to {@code wallMicros} on the ingest clock, extrapolated from the latest
     * mapping at the nominal clock rate: the pair a sender report carries.
     */
    public int timestampAt(long wallMicros) {
        // Clamped to a day either way: the product stays far from overflow whatever the clocks say.
        long delta = Math.max(-86_400_000_000L, Math.min(86_400_000_000L, wallMicros - lastWallMicros));
        return lastRtpTimestamp + (int) (delta * clockRate / 1_000_000L);
    }

    /**
     * Allocates a packet with room for {@code payloadBytes} and the SRTP trailer, writes the 12-byte header (V=2,
     * no padding, extension or CSRC) and takes the next sequence number. The caller writes the payload.
     */
    public ByteBuf newPacket(ByteBufAllocator alloc, int payloadBytes, boolean marker, int rtpTimestamp) {
        ByteBuf p = alloc.buffer(HEADER_BYTES + payloadBytes + PeerTransport.SRTP_TRAILER_BYTES);
        p.writeByte(0x80);
        p.writeByte((marker ? 0x80 : 0) | payloadType);
        p.writeShort(nextSequence);
        p.writeInt(rtpTimestamp);
        p.writeInt(ssrc);
        nextSequence = (nextSequence + 1) & 0xffff;
        packets++;
        octets += payloadBytes;
        return p;
    }

    /**
     * As {@link #newPacket} for a payload that stays elsewhere (a {@link PacketizedFrame} shared by the viewers):
     * writes the 12-byte header into {@code header}, takes the next sequence number and returns it.
     */
    public int nextHeader(byte[] header, int payloadBytes, boolean marker, int rtpTimestamp) {
        int seq = nextSequence;
        writeHeader(header, payloadType, marker, seq, rtpTimestamp, ssrc);
        nextSequence = (nextSequence + 1) & 0xffff;
        packets++;
        octets += payloadBytes;
        return seq;
    }

    /** A plain 12-byte RTP header (V=2, no padding, extension or CSRC) into {@code h}. */
    public static void writeHeader(byte[] h, int payloadType, boolean marker, int seq, int rtpTimestamp, int ssrc) {
        h[0] = (byte) 0x80;
        h[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        h[2] = (byte) (seq >>> 8);
        h[3] = (byte) seq;
        h[4] = (byte) (rtpTimestamp >>> 24);
        h[5] = (byte) (rtpTimestamp >>> 16);
        h[6] = (byte) (rtpTimestamp >>> 8);
        h[7] = (byte) rtpTimestamp;
        h[8] = (byte) (ssrc >>> 24);
        h[9] = (byte) (ssrc >>> 16);
        h[10] = (byte) (ssrc >>> 8);
        h[11] = (byte) ssrc;
    }
}
