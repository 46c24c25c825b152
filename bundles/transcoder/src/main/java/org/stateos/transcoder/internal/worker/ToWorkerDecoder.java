package org.stateos.transcoder.internal.worker;

import java.io.InputStream;
import java.nio.ByteBuffer;

/** The worker's side: OPEN, AAC, CLOSE with their bounds. */
final class ToWorkerDecoder extends MessageDecoder {
    ToWorkerDecoder(InputStream in) {
        super(in, Wire.MAX_TO_WORKER);
    }

    @Override
    Message body(int type, ByteBuffer b) throws WireException {
        switch (type) {
            case Wire.OPEN: {
                atLeast("OPEN", b, 4 + 4 + 1);
                int id = id("OPEN", b);
                int bitrate = b.getInt();
                if (bitrate < Wire.MIN_BITRATE || bitrate > Wire.MAX_BITRATE) {
                    throw new WireException("OPEN with a bit rate of " + bitrate + " (allowed " + Wire.MIN_BITRATE
                            + ".." + Wire.MAX_BITRATE + ")");
                }
                int n = b.get() & 0xFF;
                if (n < Wire.MIN_CONFIG || n > Wire.MAX_CONFIG) {
                    throw new WireException("OPEN with an AudioSpecificConfig of " + n + " bytes (allowed "
                            + Wire.MIN_CONFIG + ".." + Wire.MAX_CONFIG + ")");
                }
                exactly("OPEN", b, n);
                byte[] config = new byte[n];
                b.get(config);
                return new Message.Open(id, bitrate, config);
            }
            case Wire.AAC: {
                atLeast("AAC", b, Wire.AAC_FIXED);
                int id = id("AAC", b);
                long pts = b.getLong();
                long ingest = b.getLong();
                return new Message.Aac(id, pts, ingest, rest("AAC access unit", b, 1, Wire.MAX_AAC_UNIT));
            }
            case Wire.CLOSE: {
                exactly("CLOSE", b, 4);
                return new Message.Close(id("CLOSE", b));
            }
            default:
                throw new WireException("message type 0x" + Integer.toHexString(type) + " is not one the worker reads");
        }
    }
}
