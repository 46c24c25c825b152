package org.stateos.transcoder.internal.worker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The framing on the worker's stdin and stdout: {@code u32 length} (of what follows), {@code u8 version},
 * {@code u8 type}, the body; big-endian. Every variable part has a bound that {@link MessageDecoder}s check
 * before they allocate. A version other than {@link #VERSION} is refused: parent and worker always come from the
 * same bundle, so a mismatch means the pipe carries something else.
 */
public final class Wire {
    public static final int VERSION = 1;

    public static final int OPEN = 1;
    public static final int AAC = 2;
    public static final int CLOSE = 3;
    public static final int READY = 0x81;
    public static final int OPUS = 0x82;
    public static final int ERROR = 0x83;

    /** AudioSpecificConfig bytes, as {@code AudioSpecificConfig.parse} allows. */
    public static final int MIN_CONFIG = 2;
    public static final int MAX_CONFIG = 64;
    /** One AAC access unit: at most 6144 bits per channel, 8 channels, with room to spare. */
    public static final int MAX_AAC_UNIT = 16_384;
    /** One Opus packet: 20 ms is at most 1275 bytes per frame and three frames with padding fit. */
    public static final int MAX_OPUS_PACKET = 4_096;
    /** An error message, UTF-8 bytes. */
    public static final int MAX_ERROR_TEXT = 1_024;
    public static final int MIN_BITRATE = 6_000;
    public static final int MAX_BITRATE = 510_000;

    static final int HEADER = 2;   // version, type
    static final int AAC_FIXED = 4 + 8 + 8;
    static final int OPUS_FIXED = 4 + 8 + 8 + 8;
    static final int ERROR_FIXED = 4 + 1 + 4 + 2;
    /** Largest frame (after the length field) in each direction. */
    public static final int MAX_TO_WORKER = HEADER + AAC_FIXED + MAX_AAC_UNIT;
    public static final int MAX_FROM_WORKER = HEADER + OPUS_FIXED + MAX_OPUS_PACKET;

    private Wire() {
    }

    /** The whole frame, length field included. Refuses what the peer's decoder would refuse. */
    public static byte[] encode(Message m) {
        ByteBuffer b;
        if (m instanceof Message.Open o) {
            checkLength("AudioSpecificConfig", o.audioSpecificConfig().length, MIN_CONFIG, MAX_CONFIG);
            b = frame(OPEN, 4 + 4 + 1 + o.audioSpecificConfig().length);
            b.putInt(o.id()).putInt(o.bitrate()).put((byte) o.audioSpecificConfig().length).put(o.audioSpecificConfig());
        } else if (m instanceof Message.Aac a) {
            checkLength("AAC access unit", a.unit().length, 1, MAX_AAC_UNIT);
            b = frame(AAC, AAC_FIXED + a.unit().length);
            b.putInt(a.id()).putLong(a.pts()).putLong(a.ingestMicros()).put(a.unit());
        } else if (m instanceof Message.Close c) {
            b = frame(CLOSE, 4);
            b.putInt(c.id());
        } else if (m instanceof Message.Ready r) {
            b = frame(READY, 8 + 4);
            b.putLong(r.pid()).putInt(r.nativesMillis());
        } else if (m instanceof Message.Opus o) {
            checkLength("Opus packet", o.packet().length, 1, MAX_OPUS_PACKET);
            b = frame(OPUS, OPUS_FIXED + o.packet().length);
            b.putInt(o.id()).putLong(o.pts()).putLong(o.ingestMicros()).putLong(o.sourceIngestMicros()).put(o.packet());
        } else {
            Message.Error e = (Message.Error) m;
            byte[] text = utf8Prefix(e.message(), MAX_ERROR_TEXT);
            b = frame(ERROR, ERROR_FIXED + text.length);
            b.putInt(e.id()).put((byte) e.kind()).putInt(e.consecutive()).putShort((short) text.length).put(text);
        }
        return b.array();
    }

    private static ByteBuffer frame(int type, int body) {
        ByteBuffer b = ByteBuffer.allocate(4 + HEADER + body);
        return b.putInt(HEADER + body).put((byte) VERSION).put((byte) type);
    }

    private static void checkLength(String what, int n, int min, int max) {
        if (n < min || n > max) {
            throw new IllegalArgumentException(what + " of " + n + " bytes (allowed " + min + ".." + max + ")");
        }
    }

    /** At most {@code max} bytes of the UTF-8 form, cut at a character boundary (a long FFmpeg message is cut, not refused). */
    static byte[] utf8Prefix(String s, int max) {
        byte[] all = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (all.length <= max) {
            return all;
        }
        int n = max;
        while (n > 0 && (all[n] & 0xC0) == 0x80) {
            n--;   // all[n] continues a character: cut before that character starts
        }
        byte[] cut = new byte[n];
        System.arraycopy(all, 0, cut, 0, n);
        return cut;
    }
}
