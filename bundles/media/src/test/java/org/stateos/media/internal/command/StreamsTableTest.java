package org.stateos.media.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.stateos.api.media.StreamInfo;
import org.stateos.media.internal.TestFrames;

class StreamsTableTest {
    @Test
    void showsNameStateCodecsBitrateViewersAndUptimeIn80Columns() {
        Instant since = Instant.parse("2026-11-21T20:00:00Z");
        StreamInfo s = new StreamInfo("a-very-long-stream-name-that-is-cut", StreamInfo.State.LIVE, "rtmp 1.2.3.4:5",
                since, List.of(new StreamInfo.TrackInfo(TestFrames.video(1), 2_500_000, 25),
                        new StreamInfo.TrackInfo(TestFrames.audio(1), 128_000, 43)),
                2_628_000, 3, 1000, 0);
        List<String> lines = StreamsTable.lines(List.of(s), since.plusSeconds(3725));
        assertEquals(2, lines.size());
        lines.forEach(l -> assertTrue(l.length() <= 80, l.length() + ": " + l));
        String row = lines.get(1);
        assertTrue(row.contains("live") && row.contains("H264 320x240, AAC 44k") && row.contains("2.6 Mb/s")
                && row.endsWith("01:02:05") && row.contains(" 3 "), row);
        assertEquals(List.of("No streams."), StreamsTable.lines(List.of(), since));
    }
}
