package org.stateos.webrtc.internal.stun;

import io.netty.buffer.ByteBuf;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, short-term credentials: the key is the ICE password) and FINGERPRINT (CRC-32 xor
 * 0x5354554e) over a message's original bytes, as RFC 8489 14.5 and 14.7 define them. One instance per thread:
 * the {@link Mac} and {@link CRC32} are reused.
 */
public final class StunIntegrity {
    public static final int FINGERPRINT_XOR = 0x5354554e;
    private final Mac mac;
    private final CRC32 crc = new CRC32();
    private final byte[] header = new byte[4];
    private final byte[] digest = new byte[20];

    public StunIntegrity() {
        try {
            mac = Mac.getInstance("HmacSHA1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no HmacSHA1", e);
        }
    }

    /** The HMAC key for a short-term credential: the password's UTF-8 bytes (ICE passwords are ASCII, no SASLprep change). */
    public static SecretKeySpec key(String password) {
        return new SecretKeySpec(password.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1");
    }

    /**
     * Checks the FINGERPRINT of {@code message} (parsed from {@code buf}); true when absent.
     */
    public boolean fingerprintValid(ByteBuf buf, StunMessage message) {
        if (message.fingerprintOffset() < 0) {
            return true;
        }
        int start = buf.readerIndex();
        return buf.getInt(start + message.fingerprintOffset() + 4) == fingerprint(buf, start, message.fingerprintOffset());
    }

    /** CRC-32 of {@code length} bytes at {@code start}, xor the STUN constant; the length field must already count the FINGERPRINT. */
    public int fingerprint(ByteBuf buf, int start, int length) {
        crc.reset();
        crc.update(buf.nioBuffer(start, length));
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    /** Checks MESSAGE-INTEGRITY with {@code key}; false when absent or wrong. Constant time in the comparison. */
    public boolean integrityValid(ByteBuf buf, StunMessage message, SecretKeySpec key) {
        int at = message.integrityOffset();
        if (at < 0) {
            return false;
        }
        int start = buf.readerIndex();
        compute(buf, start, at, key);
        byte[] received = new byte[20];
        buf.getBytes(start + at + 4, received);
        return MessageDigest.isEqual(digest, received);
    }

    /**
     * Writes the HMAC for a MESSAGE-INTEGRITY attribute whose header starts at {@code integrityAt} (relative to
     * {@code start}) into {@code out} at {@code outIndex}.
     */
    public void writeIntegrity(ByteBuf buf, int start, int integrityAt, SecretKeySpec key, int outIndex) {
        compute(buf, start, integrityAt, key);
        buf.setBytes(outIndex, digest);
    }

    private void compute(ByteBuf buf, int start, int integrityAt, SecretKeySpec key) {
        try {
            mac.init(key);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(e);
        }
        // The length field counts the message up to the end of MESSAGE-INTEGRITY (RFC 8489 14.5).
        int adjusted = integrityAt + 24 - StunMessage.HEADER_BYTES;
        header[0] = buf.getByte(start);
        header[1] = buf.getByte(start + 1);
        header[2] = (byte) (adjusted >>> 8);
        header[3] = (byte) adjusted;
        mac.update(header);
        mac.update(buf.nioBuffer(start + 4, integrityAt - 4));
        try {
            mac.doFinal(digest, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
