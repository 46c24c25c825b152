package org.stateos.webrtc.internal.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes the STUN messages an ICE-lite agent sends: binding success and error responses (and, for tests and
 * future full ICE, binding requests). Every message ends with MESSAGE-INTEGRITY (when a key is given) and
 * FINGERPRINT.
 */
public final class StunWriter {
    private StunWriter() {
    }

    /** Binding success response carrying XOR-MAPPED-ADDRESS of {@code mapped}. */
    public static ByteBuf bindingSuccess(ByteBufAllocator alloc, byte[] transactionId, InetSocketAddress mapped,
            SecretKeySpec key, StunIntegrity integrity) {
        ByteBuf out = alloc.buffer(20 + 24 + 24 + 8);
        int start = out.writerIndex();
        header(out, StunMessage.BINDING_SUCCESS, transactionId);
        writeXorMappedAddress(out, mapped, transactionId);
        finish(out, start, key, integrity);
        return out;
    }

    /** Binding error response (400, 401, 420, 487) with ERROR-CODE; {@code key} null for 400/401 (RFC 8489 10.1.2). */
    public static ByteBuf bindingError(ByteBufAllocator alloc, byte[] transactionId, int code, String reason,
            int[] unknownAttributes, SecretKeySpec key, StunIntegrity integrity) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int unknownBytes = unknownAttributes == null ? 0 : 4 + ((unknownAttributes.length * 2 + 3) & ~3);
        ByteBuf out = alloc.buffer(20 + 4 + 4 + ((text.length + 3) & ~3) + unknownBytes + 24 + 8);
        int start = out.writerIndex();
        header(out, StunMessage.BINDING_ERROR, transactionId);
        out.writeShort(StunMessage.ATTR_ERROR_CODE).writeShort(4 + text.length);
        out.writeShort(0).writeByte(code / 100).writeByte(code % 100).writeBytes(text);
        pad(out, text.length);
        if (unknownAttributes != null && unknownAttributes.length > 0) {
            out.writeShort(StunMessage.ATTR_UNKNOWN_ATTRIBUTES).writeShort(unknownAttributes.length * 2);
            for (int t : unknownAttributes) {
                out.writeShort(t);
            }
            pad(out, unknownAttributes.length * 2);
        }
        finish(out, start, key, integrity);
        return out;
    }

    /** A binding request as a controlling full agent (a browser) sends it; used by tests and by the fuzz seeds. */
    public static ByteBuf bindingRequest(ByteBufAllocator alloc, byte[] transactionId, String username, long priority,
            boolean useCandidate, long iceControlling, SecretKeySpec key, StunIntegrity integrity) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(20 + 4 + ((user.length + 3) & ~3) + 8 + 4 + 12 + 24 + 8);
        int start = out.writerIndex();
        header(out, StunMessage.BINDING_REQUEST, transactionId);
        out.writeShort(StunMessage.ATTR_USERNAME).writeShort(user.length).writeBytes(user);
        pad(out, user.length);
        out.writeShort(StunMessage.ATTR_PRIORITY).writeShort(4).writeInt((int) priority);
        if (useCandidate) {
            out.writeShort(StunMessage.ATTR_USE_CANDIDATE).writeShort(0);
        }
        if (iceControlling >= 0) {
            out.writeShort(StunMessage.ATTR_ICE_CONTROLLING).writeShort(8).writeLong(iceControlling);
        }
        finish(out, start, key, integrity);
        return out;
    }

    private static void header(ByteBuf out, int type, byte[] transactionId) {
        out.writeShort(type).writeShort(0).writeInt(StunMessage.MAGIC_COOKIE).writeBytes(transactionId, 0, 12);
    }

    private static void writeXorMappedAddress(ByteBuf out, InetSocketAddress mapped, byte[] tid) {
        byte[] addr = mapped.getAddress().getAddress();
        boolean v4 = mapped.getAddress() instanceof Inet4Address;
        out.writeShort(StunMessage.ATTR_XOR_MAPPED_ADDRESS).writeShort(v4 ? 8 : 20);
        out.writeByte(0).writeByte(v4 ? 1 : 2).writeShort(mapped.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16));
        for (int i = 0; i < addr.length; i++) {
            int mask = i < 4 ? StunMessage.MAGIC_COOKIE >>> (24 - 8 * i) : tid[i - 4];
            out.writeByte(addr[i] ^ mask);
        }
    }

    /** Decodes an XOR-MAPPED-ADDRESS value as {@link StunMessage#xorMappedAddress()} holds it. */
    public static InetSocketAddress decodeXorMappedAddress(byte[] value, byte[] tid) {
        int port = (((value[2] & 0xFF) << 8) | (value[3] & 0xFF)) ^ (StunMessage.MAGIC_COOKIE >>> 16);
        byte[] addr = new byte[value.length - 4];
        for (int i = 0; i < addr.length; i++) {
            int mask = i < 4 ? StunMessage.MAGIC_COOKIE >>> (24 - 8 * i) : tid[i - 4];
            addr[i] = (byte) (value[4 + i] ^ mask);
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(addr), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void finish(ByteBuf out, int start, SecretKeySpec key, StunIntegrity integrity) {
        if (key != null) {
            int integrityAt = out.writerIndex() - start;
            out.writeShort(StunMessage.ATTR_MESSAGE_INTEGRITY).writeShort(20);
            int digestAt = out.writerIndex();
            out.writeZero(20);
            out.setShort(start + 2, integrityAt + 24 - StunMessage.HEADER_BYTES);
            integrity.writeIntegrity(out, start, integrityAt, key, digestAt);
        }
        int fingerprintAt = out.writerIndex() - start;
        out.setShort(start + 2, fingerprintAt + 8 - StunMessage.HEADER_BYTES);
        out.writeShort(StunMessage.ATTR_FINGERPRINT).writeShort(4);
        out.writeInt(integrity.fingerprint(out, start, fingerprintAt));
    }

    private static void pad(ByteBuf out, int length) {
        out.writeZero((4 - (length & 3)) & 3);
    }
}
