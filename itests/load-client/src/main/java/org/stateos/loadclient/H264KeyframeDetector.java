package org.stateos.loadclient;

/**
 * Finds complete IDR frames in an H264 RTP stream (RFC 6184, packetization-mode 1: single NAL units, STAP-A and
 * FU-A). A frame is the run of packets with one RTP timestamp ending with the marker bit; it is complete when its
 * first packet followed the previous frame's marker (or began the stream with a frame start) and no sequence
 * number is missing up to its marker. It is an IDR frame when one of its NAL units has type 5. One thread only.
 */
public final class H264KeyframeDetector {
    private static final int IDR = 5;
    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    private boolean any;
    private int nextSeq;
    private int timestamp;
    private boolean afterMarker;
    private boolean frameClean;
    private boolean frameHasIdr;
    private boolean inFrame;
    private long completeIdrFrames;

    /**
     * Feeds one packet's RTP header fields and payload.
     *
     * @return true when this packet completes an IDR frame
     */
    public boolean onPacket(int seq, int timestamp, boolean marker, byte[] payload, int offset, int length) {
        boolean contiguous = any && seq == nextSeq;
        if (!inFrame || timestamp != this.timestamp) {
            // a new frame starts: clean only if nothing was lost since the last marker
            inFrame = true;
            this.timestamp = timestamp;
            frameClean = any ? contiguous && afterMarker : startsFrame(payload, offset, length);
            frameHasIdr = false;
        } else if (!contiguous) {
            frameClean = false;
        }
        any = true;
        nextSeq = (seq + 1) & 0xFFFF;
        frameHasIdr |= containsIdr(payload, offset, length);
        afterMarker = marker;
        if (marker) {
            inFrame = false;
            if (frameClean && frameHasIdr) {
                completeIdrFrames++;
                return true;
            }
        }
        return false;
    }

    public long completeIdrFrames() {
        return completeIdrFrames;
    }

    /** A packet that can begin a frame: a single NAL unit, a STAP-A, or a FU-A with the start bit. */
    static boolean startsFrame(byte[] p, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = p[off] & 0x1F;
        return type != FU_A || (len >= 2 && (p[off + 1] & 0x80) != 0);
    }

    /** True when the payload carries (part of) an IDR NAL unit. */
    static boolean containsIdr(byte[] p, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = p[off] & 0x1F;
        if (type == IDR) {
            return true;
        }
        if (type == FU_A) {
            return len >= 2 && (p[off + 1] & 0x1F) == IDR;
        }
        if (type == STAP_A) {
            int pos = off + 1;
            int end = off + len;
            while (pos + 2 < end) {
                int size = ((p[pos] & 0xFF) << 8) | (p[pos + 1] & 0xFF);
                pos += 2;
                if (size == 0 || pos + size > end) {
                    return false;
                }
                if ((p[pos] & 0x1F) == IDR) {
                    return true;
                }
                pos += size;
            }
        }
        return false;
    }
}
