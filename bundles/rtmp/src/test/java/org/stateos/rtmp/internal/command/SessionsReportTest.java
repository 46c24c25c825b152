package org.stateos.rtmp.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stateos.rtmp.internal.RtmpSessions;
import org.stateos.rtmp.internal.session.SessionSnapshot;
import org.stateos.rtmp.internal.session.SessionState;

class SessionsReportTest {
    final RtmpSessions server = new RtmpSessions() {
        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("0.0.0.0", 1935);
        }

        @Override
        public List<SessionSnapshot> sessions() {
            return List.of(new SessionSnapshot("192.0.2.7:50322", "live", "a-very-long-stream-name-for-cam1",
                    SessionState.PUBLISHING, 41_234_567, 2_531_000, Duration.ofSeconds(134), 3350, "1280x720 30.00 fps"));
        }
    };

    @Test
    void tableFitsEightyColumns() {
        String table = SessionsReport.table(server);
        String[] lines = table.split("\n");
        assertEquals("RTMP listening on 0.0.0.0:1935, 1 session", lines[0]);
        assertTrue(lines[1].startsWith("REMOTE"));
        assertEquals("192.0.2.7:50322       live  a-very-long-s~ PUBLISHING    41 MB   2531 00:02:14",
                lines[2]);
        for (String line : lines) {
            assertTrue(line.length() <= 80, line.length() + ": " + line);
        }
    }

    @Test
    void jsonCarriesEveryField() {
        assertEquals("{\"listening\":\"0.0.0.0:1935\",\"sessions\":[{\"remote\":\"192.0.2.7:50322\",\"app\":\"live\","
                + "\"stream\":\"a-very-long-stream-name-for-cam1\",\"state\":\"PUBLISHING\",\"bytesIn\":41234567,"
                + "\"bitrateBps\":2531000,\"uptimeSeconds\":134,\"frames\":3350,\"media\":\"1280x720 30.00 fps\"}]}\n",
                SessionsReport.json(server));
    }
}
