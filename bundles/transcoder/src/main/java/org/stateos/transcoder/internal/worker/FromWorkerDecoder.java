package org.stateos.transcoder.internal.worker;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The parent's side: READY, OPUS, ERROR with their bounds (the worker runs FFmpeg: its output is not trusted). */
final class FromWorkerDecoder extends MessageDecoder {
    FromWorkerDecoder(InputStream in) {
        super(in, Wire.MAX_FROM_WORKER);
    }

    @Override
    Message body(int type, ByteBuffer b) throws WireException {
        switch (type) {
            case Wire.READY: {
                exactly("READY", b, 8 + 4);
                long pid = b.getLong();
                int millis = b.getInt();
                if (pid <= 0 || millis < 0) {
                    throw new WireException("READY with pid " + pid + " and " + millis + " ms");
                }
                return new Message.Ready(pid, millis);
            }
            case Wire.OPUS: {
                atLeast("OPUS", b, Wire.OPUS_FIXED);
                int id = id("OPUS", b);
                long pts = b.getLong();
                long ingest = b.getLong();
                long source = b.getLong();
                return new Message.Opus(id, pts, ingest, source, rest("Opus packet", b, 1, Wire.MAX_OPUS_PACKET));
            }
            case Wire.ERROR: {
                atLeast("ERROR", b, Wire.ERROR_FIXED);
                int id = b.getInt();
                if (id < 0) {
                    throw new WireException("ERROR for pipeline id " + id + " (0 = the worker, else 1.."
                            + Integer.MAX_VALUE + ")");
                }
                int kind = b.get() & 0xFF;
                if (kind != Message.Error.UNIT && kind != Message.Error.FATAL) {
                    throw new WireException("ERROR of kind " + kind + " (1 = access unit, 2 = fatal)");
                }
                int consecutive = b.getInt();
                if (consecutive < 0) {
                    throw new WireException("ERROR with " + consecutive + " consecutive failures");
                }
                int n = b.getShort() & 0xFFFF;
                if (n > Wire.MAX_ERROR_TEXT) {
                    throw new WireException("ERROR text of " + n + " bytes (at most " + Wire.MAX_ERROR_TEXT + ")");
                }
                exactly("ERROR text", b, n);
                try {
                    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
                    return new Message.Error(id, kind, consecutive, text);
                } catch (CharacterCodingException e) {
                    throw new WireException("ERROR text that is not UTF-8");
                }
            }
            default:
                throw new WireException("message type 0x" + Integer.toHexString(type) + " is not one the parent reads");
        }
    }
}
