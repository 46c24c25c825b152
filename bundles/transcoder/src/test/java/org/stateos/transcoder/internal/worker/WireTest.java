package org.stateos.transcoder.internal.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The worker protocol's framing both ways: round trips, every bound refused with a clear error, truncated input. */
class WireTest {
    static List<Message> toWorker(byte[] bytes) throws IOException {
        return all(MessageDecoder.toWorker(new ByteArrayInputStream(bytes)));
    }

    static List<Message> fromWorker(byte[] bytes) throws IOException {
        return all(MessageDecoder.fromWorker(new ByteArrayInputStream(bytes)));
    }

    private static List<Message> all(MessageDecoder d) throws IOException {
        List<Message> out = new ArrayList<>();
        Message m;
        while ((m = d.next()) != null) {
            out.add(m);
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** A frame by hand: length, version, type, body. */
    static byte[] frame(int version, int type, byte[] body) {
        return ByteBuffer.allocate(6 + body.length).putInt(2 + body.length).put((byte) version).put((byte) type)
                .put(body).array();
    }

    static String refusedToWorker(byte[] bytes) {
        return assertThrows(WireException.class, () -> toWorker(bytes)).getMessage();
    }

    static String refusedFromWorker(byte[] bytes) {
        return assertThrows(WireException.class, () -> fromWorker(bytes)).getMessage();
    }

    @Test
    void everyMessageToTheWorkerRoundTrips() throws IOException {
        byte[] unit = new byte[Wire.MAX_AAC_UNIT];
        Arrays.fill(unit, (byte) 0x5a);
        List<Message> got = toWorker(concat(Wire.encode(new Message.Open(7, 64_000, new byte[] {0x12, 0x10})),
                Wire.encode(new Message.Aac(7, -5, 1_700_000_000_000_000L, new byte[] {1, 2, 3})),
                Wire.encode(new Message.Aac(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, unit)),
                Wire.encode(new Message.Close(7))));
        assertEquals(4, got.size());
        Message.Open o = (Message.Open) got.get(0);
        assertEquals(7, o.id());
        assertEquals(64_000, o.bitrate());
        assertArrayEquals(new byte[] {0x12, 0x10}, o.audioSpecificConfig());
        Message.Aac a = (Message.Aac) got.get(1);
        assertEquals(-5, a.pts());
        assertEquals(1_700_000_000_000_000L, a.ingestMicros());
        assertArrayEquals(new byte[] {1, 2, 3}, a.unit());
        Message.Aac big = (Message.Aac) got.get(2);
        assertEquals(Long.MIN_VALUE, big.ingestMicros());
        assertArrayEquals(unit, big.unit());
        assertEquals(new Message.Close(7), got.get(3));
    }

    @Test
    void everyMessageFromTheWorkerRoundTrips() throws IOException {
        byte[] packet = new byte[Wire.MAX_OPUS_PACKET];
        packet[0] = 9;
        List<Message> got = fromWorker(concat(Wire.encode(new Message.Ready(4242, 731)),
                Wire.encode(new Message.Opus(3, 90_000, 11, 12, packet)),
                Wire.encode(new Message.Error(3, Message.Error.UNIT, 4, "the AAC decoder refused: é")),
                Wire.encode(new Message.Error(0, Message.Error.FATAL, 0, ""))));
        assertEquals(new Message.Ready(4242, 731), got.get(0));
        Message.Opus o = (Message.Opus) got.get(1);
        assertEquals(3, o.id());
        assertEquals(90_000, o.pts());
        assertEquals(11, o.ingestMicros());
        assertEquals(12, o.sourceIngestMicros());
        assertArrayEquals(packet, o.packet());
        assertEquals(new Message.Error(3, Message.Error.UNIT, 4, "the AAC decoder refused: é"), got.get(2));
        assertEquals(new Message.Error(0, Message.Error.FATAL, 0, ""), got.get(3));
    }

    @Test
    void aLongErrorTextIsCutAtACharacterBoundaryNotRefused() throws IOException {
        String text = "é".repeat(Wire.MAX_ERROR_TEXT);   // 2 bytes each: twice the bound
        Message.Error e = (Message.Error) fromWorker(Wire.encode(new Message.Error(1, 2, 0, text))).get(0);
        assertEquals(Wire.MAX_ERROR_TEXT / 2, e.message().length());
        byte[] odd = ("x" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Wire.MAX_ERROR_TEXT - 1, Wire.utf8Prefix(new String(odd, java.nio.charset.StandardCharsets.UTF_8),
                Wire.MAX_ERROR_TEXT).length, "a cut never splits a character");
    }

    @Test
    void theEncoderRefusesWhatTheDecoderWould() {
        assertThrows(IllegalArgumentException.class, () -> Wire.encode(new Message.Aac(1, 0, 0, new byte[0])));
        assertThrows(IllegalArgumentException.class,
                () -> Wire.encode(new Message.Aac(1, 0, 0, new byte[Wire.MAX_AAC_UNIT + 1])));
        assertThrows(IllegalArgumentException.class, () -> Wire.encode(new Message.Open(1, 64_000, new byte[1])));
        assertThrows(IllegalArgumentException.class,
                () -> Wire.encode(new Message.Opus(1, 0, 0, 0, new byte[Wire.MAX_OPUS_PACKET + 1])));
    }

    @Test
    void emptyInputIsACleanEnd() throws IOException {
        assertNull(MessageDecoder.toWorker(new ByteArrayInputStream(new byte[0])).next());
        assertNull(MessageDecoder.fromWorker(new ByteArrayInputStream(new byte[0])).next());
    }

    @Test
    void truncatedInputIsRefusedAtEveryCut() {
        byte[] whole = concat(Wire.encode(new Message.Open(1, 64_000, new byte[] {0x12, 0x10})),
                Wire.encode(new Message.Aac(1, 0, 0, new byte[] {1, 2, 3})));
        int first = Wire.encode(new Message.Open(1, 64_000, new byte[] {0x12, 0x10})).length;
        for (int cut = 1; cut < whole.length; cut++) {
            if (cut == first) {
                continue;   // between two frames: a clean end after the first
            }
            String why = refusedToWorker(Arrays.copyOf(whole, cut));
            assertTrue(why.startsWith("truncated"), cut + ": " + why);
        }
        assertTrue(refusedFromWorker(Arrays.copyOf(Wire.encode(new Message.Ready(1, 1)), 9)).startsWith("truncated"));
    }

    @Test
    void framesOutOfBoundsAreRefusedBeforeAllocating() {
        byte[] huge = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        assertTrue(refusedToWorker(huge).contains("a frame of 2147483647 bytes (allowed 2.." + Wire.MAX_TO_WORKER + ")"));
        byte[] negative = ByteBuffer.allocate(4).putInt(-1).array();
        assertTrue(refusedFromWorker(negative).contains("a frame of 4294967295 bytes"), refusedFromWorker(negative));
        byte[] tooShort = ByteBuffer.allocate(5).putInt(1).put((byte) 1).array();
        assertTrue(refusedToWorker(tooShort).contains("a frame of 1 bytes"));
        byte[] justOver = ByteBuffer.allocate(4).putInt(Wire.MAX_FROM_WORKER + 1).array();
        assertTrue(refusedFromWorker(justOver).contains("allowed 2.." + Wire.MAX_FROM_WORKER));
    }

    @Test
    void aWrongVersionOrTypeIsRefused() {
        assertEquals("protocol version 2 (this side speaks 1)", refusedToWorker(frame(2, Wire.CLOSE, new byte[4])));
        assertEquals("message type 0x82 is not one the worker reads", refusedToWorker(frame(1, Wire.OPUS, new byte[40])));
        assertEquals("message type 0x1 is not one the parent reads", refusedFromWorker(frame(1, Wire.OPEN, new byte[20])));
        assertEquals("message type 0x7f is not one the worker reads", refusedToWorker(frame(1, 0x7f, new byte[0])));
    }

    @Test
    void everyBoundOfAnOpenIsChecked() {
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, new byte[5])).contains("OPEN body of 5 bytes (at least 9)"));
        ByteBuffer b = ByteBuffer.allocate(11).putInt(0).putInt(64_000).put((byte) 2).put(new byte[] {0x12, 0x10});
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, b.array())).contains("pipeline id 0"));
        b = ByteBuffer.allocate(11).putInt(1).putInt(5_999).put((byte) 2).put(new byte[] {0x12, 0x10});
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, b.array())).contains("bit rate of 5999 (allowed 6000..510000)"));
        b = ByteBuffer.allocate(11).putInt(1).putInt(510_001).put((byte) 2).put(new byte[] {0x12, 0x10});
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, b.array())).contains("bit rate of 510001"));
        b = ByteBuffer.allocate(10).putInt(1).putInt(64_000).put((byte) 1).put((byte) 0x12);
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, b.array())).contains("AudioSpecificConfig of 1 bytes (allowed 2..64)"));
        b = ByteBuffer.allocate(9 + 65).putInt(1).putInt(64_000).put((byte) 65);
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, b.array())).contains("AudioSpecificConfig of 65 bytes"));
        b = ByteBuffer.allocate(12).putInt(1).putInt(64_000).put((byte) 2).put(new byte[] {0x12, 0x10, 0});
        assertTrue(refusedToWorker(frame(1, Wire.OPEN, b.array())).contains("OPEN body of 3 bytes (must be 2)"));
    }

    @Test
    void everyBoundOfAacAndCloseIsChecked() {
        assertTrue(refusedToWorker(frame(1, Wire.AAC, new byte[19])).contains("AAC body of 19 bytes (at least 20)"));
        assertTrue(refusedToWorker(frame(1, Wire.AAC, new byte[20])).contains("pipeline id 0"));
        byte[] empty = ByteBuffer.allocate(20).putInt(1).array();
        assertTrue(refusedToWorker(frame(1, Wire.AAC, empty)).contains("AAC access unit of 0 bytes (allowed 1..16384)"));
        byte[] negativeId = ByteBuffer.allocate(21).putInt(-4).array();
        assertTrue(refusedToWorker(frame(1, Wire.AAC, negativeId)).contains("pipeline id -4"));
        assertTrue(refusedToWorker(frame(1, Wire.CLOSE, new byte[5])).contains("CLOSE body of 5 bytes (must be 4)"));
        assertTrue(refusedToWorker(frame(1, Wire.CLOSE, new byte[4])).contains("CLOSE for pipeline id 0"));
    }

    @Test
    void everyBoundOfWhatTheWorkerSendsIsChecked() {
        assertTrue(refusedFromWorker(frame(1, Wire.READY, new byte[11])).contains("READY body of 11 bytes (must be 12)"));
        assertTrue(refusedFromWorker(frame(1, Wire.READY, new byte[12])).contains("READY with pid 0"));
        byte[] negativeMillis = ByteBuffer.allocate(12).putLong(5).putInt(-1).array();
        assertTrue(refusedFromWorker(frame(1, Wire.READY, negativeMillis)).contains("-1 ms"));
        assertTrue(refusedFromWorker(frame(1, Wire.OPUS, new byte[27])).contains("OPUS body of 27 bytes (at least 28)"));
        byte[] noPacket = ByteBuffer.allocate(28).putInt(1).array();
        assertTrue(refusedFromWorker(frame(1, Wire.OPUS, noPacket)).contains("Opus packet of 0 bytes (allowed 1..4096)"));
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, new byte[10])).contains("ERROR body of 10 bytes (at least 11)"));
        byte[] badId = ByteBuffer.allocate(11).putInt(-1).put((byte) 1).array();
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, badId)).contains("ERROR for pipeline id -1"));
        byte[] badKind = ByteBuffer.allocate(11).putInt(1).put((byte) 3).array();
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, badKind)).contains("ERROR of kind 3"));
        byte[] badCount = ByteBuffer.allocate(11).putInt(1).put((byte) 1).putInt(-2).array();
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, badCount)).contains("-2 consecutive"));
        byte[] longText = ByteBuffer.allocate(11).putInt(1).put((byte) 1).putInt(0).putShort((short) 1025).array();
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, longText)).contains("ERROR text of 1025 bytes (at most 1024)"));
        byte[] shortText = ByteBuffer.allocate(12).putInt(1).put((byte) 1).putInt(0).putShort((short) 5).put((byte) 'a').array();
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, shortText)).contains("ERROR text body of 1 bytes (must be 5)"));
        byte[] notUtf8 = ByteBuffer.allocate(12).putInt(1).put((byte) 1).putInt(0).putShort((short) 1).put((byte) 0xff).array();
        assertTrue(refusedFromWorker(frame(1, Wire.ERROR, notUtf8)).contains("not UTF-8"));
    }
}
