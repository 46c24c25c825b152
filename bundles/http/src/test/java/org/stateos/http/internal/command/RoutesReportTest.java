package org.stateos.http.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stateos.http.internal.HttpServerInfo;
import org.stateos.http.internal.RouteSnapshot;

class RoutesReportTest {
    private static final HttpServerInfo SERVER = new HttpServerInfo() {
        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("0.0.0.0", 8080);
        }

        @Override
        public int openConnections() {
            return 3;
        }

        @Override
        public long acceptedConnections() {
            return 120;
        }

        @Override
        public int maxConnections() {
            return 2048;
        }

        @Override
        public List<RouteSnapshot> routes() {
            return List.of(
                    new RouteSnapshot("whep", "/whep", false, List.of("POST", "PATCH", "DELETE"), List.of("*"),
                            "org.stateos.webrtc", 1234, new long[] {0, 1200, 0, 30, 4}, 9_876_543, 2),
                    new RouteSnapshot("status-api", "/api/status", true, List.of("GET"), List.of(), "org.stateos.http",
                            12, new long[] {0, 12, 0, 0, 0}, 4100, 0),
                    new RouteSnapshot("a-route-with-a-very-long-prefix", "/a/very/long/prefix/indeed", false,
                            List.of("GET", "POST", "PUT", "PATCH", "DELETE"), List.of(), "com.example.some.long.bundle.name",
                            123_456_789, new long[] {0, 0, 0, 0, 0}, 12_345_678_901L, 0));
        }

        @Override
        public RouteSnapshot unrouted() {
            return new RouteSnapshot("(no route)", "", false, List.of(), List.of(), "", 7, new long[] {0, 0, 0, 7, 0}, 300, 0);
        }
    };

    @Test
    void tableFitsAnEightyColumnConsole() {
        String table = RoutesReport.table(SERVER);

        for (String line : table.split("\n")) {
            assertTrue(line.length() <= 80, "line of " + line.length() + " columns: " + line);
        }
        assertTrue(table.startsWith("HTTP listening on 0.0.0.0:8080  connections 3 open (max 2048), 120 accepted"), table);
        assertTrue(table.contains("/whep/*"), table);
        assertTrue(table.contains("/api/status "), table);
        assertTrue(table.contains("webrtc"), table);
        assertTrue(table.contains("POST,PATCH,DELETE"), table);
        assertTrue(table.contains("(no route)"), table);
    }

    @Test
    void jsonCarriesEveryCounter() {
        JsonObject o = JsonParser.parseString(RoutesReport.json(SERVER)).getAsJsonObject();

        assertEquals("0.0.0.0:8080", o.get("listening").getAsString());
        JsonObject whep = o.getAsJsonArray("routes").get(0).getAsJsonObject();
        assertEquals("prefix", whep.get("match").getAsString());
        assertEquals(1200, whep.getAsJsonObject("responses").get("2xx").getAsLong());
        assertEquals(4, whep.getAsJsonObject("responses").get("5xx").getAsLong());
        assertEquals(9_876_543, whep.get("bytesOut").getAsLong());
        assertEquals(7, o.getAsJsonObject("unrouted").get("requests").getAsLong());
    }
}
