package org.stateos.webrtc.internal.stun;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One parsed STUN message (RFC 8489), holding what an ICE-lite agent reads: the attributes as values and the
 * offsets of MESSAGE-INTEGRITY and FINGERPRINT, which {@link StunIntegrity} checks over the original bytes.
 * {@link #parse} is a pure function of the bytes: it never allocates more than the message itself and never
 * changes the buffer's indices.
 *
 * @param unknownRequired comprehension-required attribute types this parser does not know (answered 420)
 * @param integrityOffset offset of the MESSAGE-INTEGRITY attribute from the message start, or -1
 * @param fingerprintOffset offset of the FINGERPRINT attribute from the message start, or -1
 */
public record StunMessage(int type, byte[] transactionId, String username, long priority, boolean useCandidate,
        Long iceControlling, Long iceControlled, int errorCode, byte[] xorMappedAddress, int[] unknownRequired,
        int integrityOffset, int fingerprintOffset, int length) {

    public static final int HEADER_BYTES = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** Largest message accepted: a STUN message fits one unfragmented datagram on any path (RFC 8489 6.1). */
    public static final int MAX_BYTES = 1280;
    /** RFC 8489 14.3: USERNAME is less than 513 bytes. */
    public static final int MAX_USERNAME_BYTES = 512;
    /** More unknown attributes than this and the message is refused rather than answered 420. */
    public static final int MAX_UNKNOWN = 8;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_USERNAME = 0x0006;
    public static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    public static final int ATTR_ERROR_CODE = 0x0009;
    public static final int ATTR_UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int ATTR_REALM = 0x0014;
    public static final int ATTR_NONCE = 0x0015;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_PRIORITY = 0x0024;
    public static final int ATTR_USE_CANDIDATE = 0x0025;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;
    public static final int ATTR_ICE_CONTROLLED = 0x8029;
    public static final int ATTR_ICE_CONTROLLING = 0x802A;
    /** Chrome's GOOG-NETWORK-INFO and friends are comprehension-optional (>= 0x8000) and skipped. */
    private static final int COMPREHENSION_OPTIONAL = 0x8000;

    /** Sentinel for an absent PRIORITY (ICE-CONTROLLING and ICE-CONTROLLED tie-breakers are null when absent). */
    public static final long ABSENT = -1L;

    public int method() {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    public boolean isRequest() {
        return (type & 0x0110) == 0x0000;
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    /**
     * Parses the readable bytes of one datagram as one STUN message.
     *
     * @throws StunException when the bytes are not a well-formed STUN message (the datagram is dropped)
     */
    public static StunMessage parse(ByteBuf buf) throws StunException {
        final int start = buf.readerIndex();
        final int total = buf.readableBytes();
        if (total < HEADER_BYTES) {
            throw new StunException("shorter than a STUN header: " + total + " bytes");
        }
        if (total > MAX_BYTES) {
            throw new StunException("longer than " + MAX_BYTES + " bytes: " + total);
        }
        int type = buf.getUnsignedShort(start);
        if ((type & 0xC000) != 0) {
            throw new StunException("first two bits not zero");
        }
        int bodyLength = buf.getUnsignedShort(start + 2);
        if (buf.getInt(start + 4) != MAGIC_COOKIE) {
            throw new StunException("no magic cookie");
        }
        if ((bodyLength & 3) != 0) {
            throw new StunException("length " + bodyLength + " not a multiple of 4");
        }
        if (bodyLength != total - HEADER_BYTES) {
            throw new StunException("length field " + bodyLength + " but " + (total - HEADER_BYTES) + " bytes follow the header");
        }
        byte[] tid = new byte[12];
        buf.getBytes(start + 8, tid);

        String username = null;
        long priority = ABSENT;
        boolean useCandidate = false;
        Long controlling = null;
        Long controlled = null;
        int errorCode = -1;
        byte[] xorMapped = null;
        int[] unknown = new int[0];
        int integrityOffset = -1;
        int fingerprintOffset = -1;

        int pos = HEADER_BYTES;
        while (pos < total) {
            if (total - pos < 4) {
                throw new StunException("truncated attribute header at " + pos);
            }
            int attrType = buf.getUnsignedShort(start + pos);
            int attrLength = buf.getUnsignedShort(start + pos + 2);
            int valueAt = pos + 4;
            int padded = (attrLength + 3) & ~3;
            if (padded > total - valueAt) {
                throw new StunException("attribute 0x" + Integer.toHexString(attrType) + " of " + attrLength
                        + " bytes overruns the message (" + (total - valueAt) + " left)");
            }
            if (fingerprintOffset >= 0) {
                throw new StunException("attribute after FINGERPRINT");
            }
            boolean afterIntegrity = integrityOffset >= 0;
            if (attrType == ATTR_FINGERPRINT) {
                expectLength(attrType, attrLength, 4);
                fingerprintOffset = pos;
            } else if (afterIntegrity) {
                // RFC 8489 14.5: everything but FINGERPRINT after MESSAGE-INTEGRITY is ignored
            } else {
                switch (attrType) {
                    case ATTR_USERNAME -> {
                        if (attrLength > MAX_USERNAME_BYTES) {
                            throw new StunException("USERNAME of " + attrLength + " bytes");
                        }
                        username = utf8(buf, start + valueAt, attrLength);
                    }
                    case ATTR_MESSAGE_INTEGRITY -> {
                        expectLength(attrType, attrLength, 20);
                        integrityOffset = pos;
                    }
                    case ATTR_PRIORITY -> {
                        expectLength(attrType, attrLength, 4);
                        priority = buf.getUnsignedInt(start + valueAt);
                    }
                    case ATTR_USE_CANDIDATE -> {
                        expectLength(attrType, attrLength, 0);
                        useCandidate = true;
                    }
                    case ATTR_ICE_CONTROLLING -> {
                        expectLength(attrType, attrLength, 8);
                        controlling = buf.getLong(start + valueAt);
                    }
                    case ATTR_ICE_CONTROLLED -> {
                        expectLength(attrType, attrLength, 8);
                        controlled = buf.getLong(start + valueAt);
                    }
                    case ATTR_ERROR_CODE -> {
                        if (attrLength < 4) {
                            throw new StunException("ERROR-CODE of " + attrLength + " bytes");
                        }
                        int cls = buf.getUnsignedByte(start + valueAt + 2) & 0x07;
                        int number = buf.getUnsignedByte(start + valueAt + 3);
                        if (cls < 3 || cls > 6 || number > 99) {
                            throw new StunException("ERROR-CODE " + cls + "/" + number + " out of range");
                        }
                        errorCode = cls * 100 + number;
                    }
                    case ATTR_XOR_MAPPED_ADDRESS -> {
                        if (attrLength != 8 && attrLength != 20) {
                            throw new StunException("XOR-MAPPED-ADDRESS of " + attrLength + " bytes");
                        }
                        xorMapped = new byte[attrLength];
                        buf.getBytes(start + valueAt, xorMapped);
                    }
                    case ATTR_MAPPED_ADDRESS, ATTR_UNKNOWN_ATTRIBUTES, ATTR_REALM, ATTR_NONCE -> {
                        // known, not used by an ICE-lite agent
                    }
                    default -> {
                        if (attrType < COMPREHENSION_OPTIONAL) {
                            if (unknown.length == MAX_UNKNOWN) {
                                throw new StunException("more than " + MAX_UNKNOWN + " unknown attributes");
                            }
                            unknown = Arrays.copyOf(unknown, unknown.length + 1);
                            unknown[unknown.length - 1] = attrType;
                        }
                    }
                }
            }
            pos = valueAt + padded;
        }
        return new StunMessage(type, tid, username, priority, useCandidate, controlling, controlled, errorCode,
                xorMapped, unknown, integrityOffset, fingerprintOffset, total);
    }

    private static void expectLength(int type, int actual, int expected) throws StunException {
        if (actual != expected) {
            throw new StunException("attribute 0x" + Integer.toHexString(type) + " has " + actual + " bytes, expected " + expected);
        }
    }

    private static String utf8(ByteBuf buf, int at, int length) throws StunException {
        byte[] bytes = new byte[length];
        buf.getBytes(at, bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new StunException("USERNAME is not UTF-8");
        }
    }
}
