package org.stateos.webrtc.internal.srtp;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of an SRTP/SRTCP crypto context (RFC 3711, RFC 7714): the session keys derived from one master
 * key and salt, the per-SSRC rollover counters, SRTCP indices and replay windows. A sending context uses the
 * {@code protect} methods, a receiving one the {@code unprotect} methods. Not thread-safe: one event loop owns it.
 *
 * <p>All work is in place on the caller's buffer: protect appends the tag (and the SRTCP index) after the packet,
 * so the buffer needs {@link #maxTrailerBytes()} writable bytes (it grows otherwise); unprotect shortens it. The
 * {@link Cipher} and {@link Mac} objects are made once and re-initialised per packet (the JDK keeps the expanded
 * AES key when the key is the same). Outgoing RTP is protected in a scratch array of the context (the JDK's ciphers
 * allocate per call on direct buffers, not on arrays); {@link #protectRtp(ByteBuf, ByteBuf)} writes the result
 * into another buffer, so a sender that keeps the plain packet needs no copy of its own.
 */
public final class SrtpContext {
    /** SSRCs tracked per context (a viewer sends a handful); more are refused rather than grow without bound. */
    public static final int MAX_SSRCS = 64;
    private static final long MAX_SRTCP_INDEX = 0x7FFF_FFFFL;
    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;

    private final SrtpProfile profile;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final Cipher cipher;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final byte[] iv;
    private final byte[] tag = new byte[20];
    private final byte[] receivedTag = new byte[16];
    private final byte[] word = new byte[4];
    /** Where outgoing RTP is protected (see protectRtpIntoScratch); one per context, so per sender, no sharing. */
    private byte[] scratch = new byte[2048];
    private final Map<Integer, RtpState> rtp = new HashMap<>();
    /** The state of the SSRC protected last (see protectScratch); null before the first. */
    private RtpState lastProtected;
    private int lastProtectedSsrc;
    private final Map<Integer, RtcpState> rtcp = new HashMap<>();

    private static final class RtpState {
        int roc;
        int highestSeq;
        final ReplayWindow window = new ReplayWindow();
    }

    private static final class RtcpState {
        long nextIndex;
        final ReplayWindow window = new ReplayWindow();
    }

    /** A context keyed from a master key and salt (RFC 3711 4.3 key derivation, rate 0). */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(profile, checked(profile, masterKey, masterSalt),
                SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.LABEL_RTP_ENCRYPTION, profile.keyBytes),
                SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.LABEL_RTP_SALT, sessionSaltBytes(profile)),
                profile.aead() ? null : SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.LABEL_RTP_AUTH, 20),
                SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.LABEL_RTCP_ENCRYPTION, profile.keyBytes),
                SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.LABEL_RTCP_SALT, sessionSaltBytes(profile)),
                profile.aead() ? null : SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.LABEL_RTCP_AUTH, 20));
    }

    /** A context from session keys directly (the RFC 7714 test vectors are given that way). */
    static SrtpContext fromSessionKeys(SrtpProfile profile, byte[] key, byte[] salt, byte[] authKey) {
        return new SrtpContext(profile, true, key, salt, authKey, key, salt, authKey);
    }

    private SrtpContext(SrtpProfile profile, boolean unused, byte[] rtpKey, byte[] rtpSalt, byte[] rtpAuth,
            byte[] rtcpKey, byte[] rtcpSalt, byte[] rtcpAuth) {
        this.profile = profile;
        this.rtpKey = new SecretKeySpec(rtpKey, "AES");
        this.rtcpKey = new SecretKeySpec(rtcpKey, "AES");
        this.rtpSalt = rtpSalt;
        this.rtcpSalt = rtcpSalt;
        iv = new byte[profile.aead() ? 12 : 16];
        try {
            if (profile.aead()) {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                rtpMac = null;
                rtcpMac = null;
            } else {
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                rtpMac = Mac.getInstance("HmacSHA1");
                rtpMac.init(new SecretKeySpec(rtpAuth, "HmacSHA1"));
                rtcpMac = Mac.getInstance("HmacSHA1");
                rtcpMac.init(new SecretKeySpec(rtcpAuth, "HmacSHA1"));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK crypto for " + profile + " unavailable", e);
        }
    }

    private static boolean checked(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != profile.keyBytes || masterSalt.length != profile.saltBytes) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyBytes + "-byte key and "
                    + profile.saltBytes + "-byte salt");
        }
        return true;
    }

    /** Session salt: 112 bits for AES-CM, 96 bits for GCM (RFC 7714 11). */
    private static int sessionSaltBytes(SrtpProfile profile) {
        return profile.aead() ? 12 : 14;
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Bytes protect may append: the tag, plus 4 for the SRTCP index. */
    public int maxTrailerBytes() {
        return profile.tagBytes + 4;
    }

    /** Length of the RTP header (fixed part, CSRCs, extension) of the packet at the reader index. */
    static int rtpHeaderLength(ByteBuf p) throws SrtpException {
        int r = p.readerIndex();
        int len = p.readableBytes();
        if (len < RTP_HEADER) {
            throw new SrtpException("RTP packet of " + len + " bytes");
        }
        int b0 = p.getUnsignedByte(r);
        if ((b0 >> 6) != 2) {
            throw new SrtpException("RTP version " + (b0 >> 6));
        }
        int header = RTP_HEADER + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (len < header + 4) {
                throw new SrtpException("RTP extension header beyond the packet");
            }
            header += 4 + 4 * p.getUnsignedShort(r + header + 2);
        }
        if (header > len) {
            throw new SrtpException("RTP header of " + header + " bytes in a packet of " + len);
        }
        return header;
    }

    // ---------------------------------------------------------------- RTP

    /** Encrypts and authenticates the RTP packet in {@code p} (reader to writer index) in place. */
    public void protectRtp(ByteBuf p) throws SrtpException {
        int r = p.readerIndex();
        int header = rtpHeaderLength(p);
        int protectedLength = protectRtpIntoScratch(p, header);
        p.ensureWritable(protectedLength - p.readableBytes());
        p.setBytes(r + header, scratch, header, protectedLength - header);
        p.writerIndex(r + protectedLength);
    }

    /**
     * Encrypts and authenticates the RTP packet in {@code plain} (reader to writer index) and appends the SRTP
     * packet to {@code out}; {@code plain} is left as it was (a NACK buffer keeps it). One pass instead of a copy
     * followed by an in-place pass.
     */
    public void protectRtp(ByteBuf plain, ByteBuf out) throws SrtpException {
        int protectedLength = protectRtpIntoScratch(plain, rtpHeaderLength(plain));
        out.writeBytes(scratch, 0, protectedLength);
    }

    /**
     * Copies the packet into {@link #scratch} and protects it there: the JDK's AES-GCM and AES-CTR on direct
     * ByteBuffers (Netty's pooled buffers) allocate temporary arrays on every call (JFR in the fan-out bench:
     * a third of the node's allocated bytes at 200 viewers); on arrays, in place, they allocate none. Returns the
     * protected length (packet + tag) in scratch.
     */
    private int protectRtpIntoScratch(ByteBuf p, int header) throws SrtpException {
        int r = p.readerIndex();
        int len = p.readableBytes();
        byte[] a = scratch(len + profile.tagBytes);
        p.getBytes(r, a, 0, len);
        return protectScratch(a, header, len);
    }

    /**
     * Protects the RTP packet made of {@code header} (a plain 12-byte header: no CSRC, no extension) and a payload
     * slice of a shared array (the fan-out's one packetization of a frame for every viewer) into {@code out}
     * (position on, limit set to the end of the packet); neither input array is changed. One copy into the
     * scratch array, the cipher in place there, one copy out.
     *
     * @return the protected length
     */
    public int protectRtp(byte[] header, byte[] payload, int offset, int length, ByteBuffer out) throws SrtpException {
        if (header.length != RTP_HEADER || (header[0] & 0xFF) != 0x80) {
            throw new SrtpException("shared-payload protect takes a plain 12-byte RTP header");
        }
        int len = RTP_HEADER + length;
        byte[] a = scratch(len + profile.tagBytes);
        System.arraycopy(header, 0, a, 0, RTP_HEADER);
        System.arraycopy(payload, offset, a, RTP_HEADER, length);
        int protectedLength = protectScratch(a, RTP_HEADER, len);
        if (out.remaining() < protectedLength) {
            throw new SrtpException("output buffer of " + out.remaining() + " bytes for a " + protectedLength + "-byte packet");
        }
        out.put(a, 0, protectedLength);
        return protectedLength;
    }

    /** Protects the plain packet in {@code a[0, len)} (its header is {@code header} bytes) in place; returns the new length. */
    private int protectScratch(byte[] a, int header, int len) throws SrtpException {
        int seq = ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
        int ssrc = ((a[8] & 0xFF) << 24) | ((a[9] & 0xFF) << 16) | ((a[10] & 0xFF) << 8) | (a[11] & 0xFF);
        RtpState s = lastProtected;
        if (s == null || lastProtectedSsrc != ssrc) {
            // A sender mostly repeats its last SSRC (a video frame's packets): skip the boxed map lookup then.
            s = rtp.get(ssrc);
            if (s == null) {
                s = newRtpState(ssrc, seq);
            }
            lastProtected = s;
            lastProtectedSsrc = ssrc;
        }
        long index = estimateIndex(s, seq);
        if (index < 0) {
            throw new SrtpException("sequence number " + seq + " before the first packet of SSRC " + Integer.toUnsignedString(ssrc));
        }
        int roc = (int) (index >>> 16);
        int payloadLen = len - header;
        try {
            if (profile.aead()) {
                gcmIv(rtpSalt, ssrc, roc, seq);
                initGcm(Cipher.ENCRYPT_MODE, rtpKey);
                cipher.updateAAD(a, 0, header);
                cipher.doFinal(a, header, payloadLen, a, header);
            } else {
                ctrIv(rtpSalt, ssrc, index);
                cipher.init(Cipher.ENCRYPT_MODE, rtpKey, new IvParameterSpec(iv));
                cipher.doFinal(a, header, payloadLen, a, header);
                rtpMac.update(a, 0, len);
                putInt(word, 0, roc);
                rtpMac.update(word);
                rtpMac.doFinal(tag, 0);
                System.arraycopy(tag, 0, a, len, 10);
            }
        } catch (GeneralSecurityException e) {
            throw new SrtpException("SRTP protect failed: " + e.getMessage());
        }
        advance(s, index);
        return len + profile.tagBytes;
    }

    /** The scratch array, grown (rarely: it starts at a jumbo datagram's size) to hold {@code bytes}. */
    private byte[] scratch(int bytes) {
        if (scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, 2 * scratch.length)];
        }
        return scratch;
    }

    /** Authenticates, checks for replay and decrypts the SRTP packet in {@code p} in place; shortens it by the tag. */
    public void unprotectRtp(ByteBuf p) throws SrtpException {
        int header = rtpHeaderLength(p);
        int r = p.readerIndex();
        int len = p.readableBytes();
        if (len < header + profile.tagBytes) {
            throw new SrtpException("SRTP packet of " + len + " bytes has no room for its tag");
        }
        int seq = p.getUnsignedShort(r + 2);
        int ssrc = p.getInt(r + 8);
        RtpState s = rtp.get(ssrc);
        long index;
        if (s == null) {
            index = seq; // a new SSRC starts with ROC 0 (RFC 3711 3.3.1)
        } else {
            index = estimateIndex(s, seq);
            if (index < 0) {
                throw new SrtpException("SRTP index before zero");
            }
            if (!s.window.accepts(index)) {
                throw new SrtpException("replayed or too old SRTP packet, index " + index);
            }
        }
        int roc = (int) (index >>> 16);
        int payloadLen = len - header - profile.tagBytes;
        try {
            if (profile.aead()) {
                gcmIv(rtpSalt, ssrc, roc, seq);
                initGcm(Cipher.DECRYPT_MODE, rtpKey);
                cipher.updateAAD(p.nioBuffer(r, header));
                cipher.doFinal(p.nioBuffer(r + header, payloadLen + 16), p.nioBuffer(r + header, payloadLen + 16));
            } else {
                hmac(rtpMac, p, r, len - 10, roc);
                p.getBytes(r + len - 10, receivedTag, 0, 10);
                if (!tagMatches()) {
                    throw new SrtpException("SRTP authentication tag mismatch");
                }
                ctrIv(rtpSalt, ssrc, index);
                cipher.init(Cipher.DECRYPT_MODE, rtpKey, new IvParameterSpec(iv));
                cipher.doFinal(p.nioBuffer(r + header, payloadLen), p.nioBuffer(r + header, payloadLen));
            }
        } catch (AEADBadTagException e) {
            throw new SrtpException("SRTP authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new SrtpException("SRTP unprotect failed: " + e.getMessage());
        }
        p.writerIndex(r + len - profile.tagBytes);
        if (s == null) {
            s = newRtpState(ssrc, seq);
        }
        advance(s, index);
        s.window.update(index);
    }

    private RtpState newRtpState(int ssrc, int seq) throws SrtpException {
        if (rtp.size() >= MAX_SSRCS) {
            throw new SrtpException("more than " + MAX_SSRCS + " RTP SSRCs in one context");
        }
        RtpState s = new RtpState();
        s.highestSeq = seq;
        rtp.put(ssrc, s);
        return s;
    }

    /** RFC 3711 Appendix A: the index of {@code seq} guessed from the highest one seen; -1 before index 0. */
    private static long estimateIndex(RtpState s, int seq) {
        long v;
        if (s.highestSeq < 32768) {
            v = seq - s.highestSeq > 32768 ? s.roc - 1L : s.roc;
        } else {
            v = s.highestSeq - 32768 > seq ? s.roc + 1L : s.roc;
        }
        return v < 0 || v > 0xFFFF_FFFFL ? -1 : (v << 16) | seq;
    }

    private static void advance(RtpState s, long index) {
        long highest = ((long) s.roc << 16) | s.highestSeq;
        if (index > highest) {
            s.roc = (int) (index >>> 16);
            s.highestSeq = (int) (index & 0xFFFF);
        }
    }

    /** The rollover counter of {@code ssrc} (tests and stats), -1 if unknown. */
    public long rolloverCounter(int ssrc) {
        RtpState s = rtp.get(ssrc);
        return s == null ? -1 : Integer.toUnsignedLong(s.roc);
    }

    // ---------------------------------------------------------------- RTCP

    /** Encrypts one compound RTCP packet in place and appends tag and E|index (SRTCP, RFC 3711 3.4). */
    public void protectRtcp(ByteBuf p) throws SrtpException {
        int r = p.readerIndex();
        int len = p.readableBytes();
        if (len < RTCP_HEADER) {
            throw new SrtpException("RTCP packet of " + len + " bytes");
        }
        int ssrc = p.getInt(r + 4);
        RtcpState s = rtcp.get(ssrc);
        if (s == null) {
            s = newRtcpState(ssrc);
        }
        long index = s.nextIndex;
        if (index > MAX_SRTCP_INDEX) {
            throw new SrtpException("SRTCP index exhausted for SSRC " + Integer.toUnsignedString(ssrc) + "; rekey needed");
        }
        int eIndex = (int) (0x8000_0000L | index);
        p.ensureWritable(profile.tagBytes + 4);
        try {
            if (profile.aead()) {
                gcmIv(rtcpSalt, ssrc, 0, 0);
                xorInt(iv, 8, (int) index);
                initGcm(Cipher.ENCRYPT_MODE, rtcpKey);
                cipher.updateAAD(p.nioBuffer(r, RTCP_HEADER));
                putInt(word, 0, eIndex);
                cipher.updateAAD(word);
                int body = len - RTCP_HEADER;
                cipher.doFinal(p.nioBuffer(r + RTCP_HEADER, body), p.nioBuffer(r + RTCP_HEADER, body + 16));
                p.writerIndex(p.writerIndex() + 16);
                p.writeInt(eIndex);
            } else {
                ctrIv(rtcpSalt, ssrc, index);
                cipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new IvParameterSpec(iv));
                int body = len - RTCP_HEADER;
                cipher.doFinal(p.nioBuffer(r + RTCP_HEADER, body), p.nioBuffer(r + RTCP_HEADER, body));
                p.writeInt(eIndex);
                rtcpMac.update(p.nioBuffer(r, len + 4));
                rtcpMac.doFinal(tag, 0);
                p.writeBytes(tag, 0, 10);
            }
        } catch (GeneralSecurityException e) {
            throw new SrtpException("SRTCP protect failed: " + e.getMessage());
        }
        s.nextIndex = index + 1;
    }

    /** Authenticates, checks for replay and decrypts one SRTCP packet in place; leaves the plain compound packet. */
    public void unprotectRtcp(ByteBuf p) throws SrtpException {
        int r = p.readerIndex();
        int len = p.readableBytes();
        int trailer = profile.tagBytes + 4;
        if (len < RTCP_HEADER + trailer) {
            throw new SrtpException("SRTCP packet of " + len + " bytes");
        }
        int ssrc = p.getInt(r + 4);
        int eIndexAt = profile.aead() ? r + len - 4 : r + len - 14;
        int eIndex = p.getInt(eIndexAt);
        boolean encrypted = eIndex < 0;
        long index = eIndex & 0x7FFF_FFFFL;
        RtcpState s = rtcp.get(ssrc);
        if (s != null && !s.window.accepts(index)) {
            throw new SrtpException("replayed or too old SRTCP packet, index " + index);
        }
        int plainLen = len - trailer;
        try {
            if (profile.aead()) {
                gcmIv(rtcpSalt, ssrc, 0, 0);
                xorInt(iv, 8, (int) index);
                initGcm(Cipher.DECRYPT_MODE, rtcpKey);
                putInt(word, 0, eIndex);
                if (encrypted) {
                    cipher.updateAAD(p.nioBuffer(r, RTCP_HEADER));
                    cipher.updateAAD(word);
                    int body = plainLen - RTCP_HEADER;
                    cipher.doFinal(p.nioBuffer(r + RTCP_HEADER, body + 16), p.nioBuffer(r + RTCP_HEADER, body + 16));
                } else {
                    // RFC 7714 9.2: unencrypted SRTCP authenticates the whole packet as AAD
                    cipher.updateAAD(p.nioBuffer(r, plainLen));
                    cipher.updateAAD(word);
                    cipher.doFinal(p.nioBuffer(r + plainLen, 16), ByteBuffer.allocate(0));
                }
            } else {
                rtcpMac.update(p.nioBuffer(r, len - 10));
                rtcpMac.doFinal(tag, 0);
                p.getBytes(r + len - 10, receivedTag, 0, 10);
                if (!tagMatches()) {
                    throw new SrtpException("SRTCP authentication tag mismatch");
                }
                if (encrypted) {
                    ctrIv(rtcpSalt, ssrc, index);
                    cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new IvParameterSpec(iv));
                    int body = plainLen - RTCP_HEADER;
                    cipher.doFinal(p.nioBuffer(r + RTCP_HEADER, body), p.nioBuffer(r + RTCP_HEADER, body));
                }
            }
        } catch (AEADBadTagException e) {
            throw new SrtpException("SRTCP authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new SrtpException("SRTCP unprotect failed: " + e.getMessage());
        }
        p.writerIndex(r + plainLen);
        if (s == null) {
            s = newRtcpState(ssrc);
        }
        s.window.update(index);
    }

    private RtcpState newRtcpState(int ssrc) throws SrtpException {
        if (rtcp.size() >= MAX_SSRCS) {
            throw new SrtpException("more than " + MAX_SSRCS + " RTCP SSRCs in one context");
        }
        RtcpState s = new RtcpState();
        rtcp.put(ssrc, s);
        return s;
    }

    // ---------------------------------------------------------------- helpers

    /** RFC 3711 4.1.1: IV = (salt * 2^16) xor (SSRC * 2^64) xor (index * 2^16). */
    private void ctrIv(byte[] salt, int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        xorInt(iv, 4, ssrc);
        iv[8] ^= (byte) (index >>> 40);
        iv[9] ^= (byte) (index >>> 32);
        xorInt(iv, 10, (int) index);
    }

    /** RFC 7714 8.1: IV = (00 00 || SSRC || ROC || SEQ) xor salt; SRTCP puts 00 00 || index where ROC || SEQ are. */
    private void gcmIv(byte[] salt, int ssrc, int roc, int seq) {
        System.arraycopy(salt, 0, iv, 0, 12);
        xorInt(iv, 2, ssrc);
        xorInt(iv, 6, roc);
        iv[10] ^= (byte) (seq >>> 8);
        iv[11] ^= (byte) seq;
    }

    private void initGcm(int mode, SecretKeySpec key) throws GeneralSecurityException, SrtpException {
        try {
            cipher.init(mode, key, new GCMParameterSpec(128, iv));
        } catch (InvalidAlgorithmParameterException e) {
            // The JDK refuses the IV it used last for encryption: the same SSRC/index protected twice in a row.
            throw new SrtpException("GCM nonce reuse refused (same SSRC and index protected twice)");
        }
    }

    private void hmac(Mac mac, ByteBuf p, int from, int length, int roc) {
        mac.update(p.nioBuffer(from, length));
        putInt(word, 0, roc);
        mac.update(word);
        try {
            mac.doFinal(tag, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares the first 10 bytes of the computed and received HMAC tags in constant time. */
    private boolean tagMatches() {
        int diff = 0;
        for (int i = 0; i < 10; i++) {
            diff |= tag[i] ^ receivedTag[i];
        }
        return diff == 0;
    }

    private static void xorInt(byte[] b, int at, int v) {
        b[at] ^= (byte) (v >>> 24);
        b[at + 1] ^= (byte) (v >>> 16);
        b[at + 2] ^= (byte) (v >>> 8);
        b[at + 3] ^= (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
