package org.stateos.webrtc.internal.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the compound RTCP parser: any input parses or fails with {@link RtcpException}, the buffer's indexes are
 * untouched, and NACK expansion stays within its bound. {@code mvn test} replays the seeds (and any findings kept
 * under src/test/resources/.../RtcpParserFuzzTestInputs/parse/); real fuzzing, 10 minutes:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl bundles/webrtc -Dtest=RtcpParserFuzzTest -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class RtcpParserFuzzTest {

    static Stream<byte[]> seeds() {
        ByteBuf feedback = RtcpParserTest.browserFeedback();
        ByteBuf sr = Unpooled.buffer();
        RtcpWriter.senderReport(sr, 1, RtcpWriter.ntp(1_700_000_000_000_000L), 2, 3, 4);
        RtcpWriter.sdesCname(sr, 1, "cname");
        ByteBuf fir = Unpooled.buffer().writeByte(0x84).writeByte(206).writeShort(4).writeInt(1).writeInt(0)
                .writeInt(2).writeInt(0x07000000);
        try {
            return Stream.of(ByteBufUtil.getBytes(feedback), ByteBufUtil.getBytes(sr), ByteBufUtil.getBytes(fir), new byte[0]);
        } finally {
            feedback.release();
            sr.release();
            fir.release();
        }
    }

    @Timeout(60) // the first input also pays for installing Jazzer's agent over a classpath with Bouncy Castle
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] data) {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        try {
            List<RtcpPacket> packets = RtcpParser.parse(b);
            int nacked = 0;
            for (RtcpPacket p : packets) {
                if (p instanceof RtcpPacket.Nack n) {
                    nacked += n.lost().size();
                }
            }
            if (packets.isEmpty() || packets.size() > RtcpParser.MAX_PACKETS || nacked > RtcpParser.MAX_NACKED) {
                throw new IllegalStateException("parsed " + packets.size() + " packets, " + nacked + " NACKed");
            }
        } catch (RtcpException expected) {
            // the only failure allowed
        }
        if (b.readerIndex() != 0 || b.writerIndex() != data.length) {
            throw new IllegalStateException("the parser moved the buffer's indexes");
        }
    }
}
