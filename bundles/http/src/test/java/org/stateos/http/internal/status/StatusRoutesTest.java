package org.stateos.http.internal.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.api.node.NodeId;
import org.stateos.api.node.NodeStatus;
import org.stateos.api.node.NodeStatusService;
import org.stateos.http.HttpRoute;
import org.stateos.http.internal.HttpServer;
import org.stateos.http.internal.HttpServerSettings;

class StatusRoutesTest {
    private static final NodeStatus STATUS = new NodeStatus(
            NodeId.fromBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                    23, 24, 25, 26, 27, 28, 29, 30, 31}),
            "1.2.3<script>alert(1)</script>",
            Instant.parse("2026-01-02T03:04:05Z"),
            Duration.ofSeconds(93_784),
            Map.of("ACTIVE", 40, "RESOLVED", 2),
            new NodeStatus.TrustSummary(42, 1, "CN=StateOS \"dev\" <vendor>"),
            List.of("tcp 0.0.0.0:8080", "udp 0.0.0.0:8189"));

    private NioEventLoopGroup group;
    private HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final StatusApiRoute api = new StatusApiRoute();
    private final StatusPageRoute page = new StatusPageRoute();

    @BeforeEach
    void start() throws IOException {
        group = new NioEventLoopGroup(1);
        server = new HttpServer(new HttpServerSettings("127.0.0.1", 0, 1024, Duration.ofSeconds(30), 10, Duration.ZERO), group);
        server.start();
        server.addRoute(api, Map.of(HttpRoute.PREFIX, "/api/status", HttpRoute.MATCH, "exact"), "org.stateos.http");
        server.addRoute(page, Map.of(HttpRoute.PREFIX, "/", HttpRoute.MATCH, "exact"), "org.stateos.http");
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusJsonHasTheAgreedShape() throws Exception {
        NodeStatusService service = () -> STATUS;
        api.bindStatus(service);

        HttpResponse<String> r = get("/api/status");

        assertEquals(200, r.statusCode());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("cache-control").orElseThrow());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(Set.of("nodeId", "firmwareVersion", "startedAt", "uptimeSeconds", "bundlesByState", "trust", "listening"),
                o.keySet());
        assertEquals(STATUS.nodeId().toHex(), o.get("nodeId").getAsString());
        assertEquals("1.2.3<script>alert(1)</script>", o.get("firmwareVersion").getAsString());
        assertEquals("2026-01-02T03:04:05Z", o.get("startedAt").getAsString());
        assertEquals(93_784, o.get("uptimeSeconds").getAsLong());
        assertEquals(40, o.getAsJsonObject("bundlesByState").get("ACTIVE").getAsInt());
        assertEquals(2, o.getAsJsonObject("bundlesByState").get("RESOLVED").getAsInt());
        JsonObject trust = o.getAsJsonObject("trust");
        assertEquals(Set.of("trusted", "refused", "anchorSubject"), trust.keySet());
        assertEquals(42, trust.get("trusted").getAsInt());
        assertEquals(1, trust.get("refused").getAsInt());
        assertEquals("CN=StateOS \"dev\" <vendor>", trust.get("anchorSubject").getAsString());
        assertEquals(2, o.getAsJsonArray("listening").size());
        assertEquals("tcp 0.0.0.0:8080", o.getAsJsonArray("listening").get(0).getAsString());
        assertFalse(r.body().contains("<script>"), "Gson escapes HTML characters");
    }

    @Test
    void statusJsonIs503WithAJsonErrorWithoutTheNodeService() throws Exception {
        NodeStatusService service = () -> STATUS;
        api.bindStatus(service);
        api.unbindStatus(service);

        HttpResponse<String> r = get("/api/status");

        assertEquals(503, r.statusCode());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString().contains("not available"));
    }

    @Test
    void statusPageRendersTheSameFiguresEscaped() throws Exception {
        page.bindStatus(() -> STATUS);

        HttpResponse<String> r = get("/");

        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        String html = r.body();
        assertTrue(html.contains(STATUS.nodeId().toHex()));
        assertTrue(html.contains("1.2.3&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertFalse(html.contains("1.2.3<script>"));
        assertTrue(html.contains("CN=StateOS &quot;dev&quot; &lt;vendor&gt;"));
        assertTrue(html.contains("2026-01-02T03:04:05Z"));
        assertTrue(html.contains("1d 2h 3m 4s"));
        assertTrue(html.contains("<li>ACTIVE: 40</li><li>RESOLVED: 2</li>"));
        assertTrue(html.contains("<li>tcp 0.0.0.0:8080</li>"));
        assertTrue(html.contains("fetch('/api/status'"));
        assertFalse(html.contains("src="), "no external assets");
        assertFalse(html.contains("href="), "no external assets");
    }

    @Test
    void contentSecurityPolicyAllowsExactlyTheInlineScriptAndStyle() throws Exception {
        page.bindStatus(() -> STATUS);

        HttpResponse<String> r = get("/");

        String csp = r.headers().firstValue("content-security-policy").orElseThrow();
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(r.body());
        Matcher style = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL).matcher(r.body());
        assertTrue(script.find() && style.find());
        assertTrue(csp.contains("script-src '" + StatusPageRoute.sha256(script.group(1)) + "'"), csp);
        assertTrue(csp.contains("style-src '" + StatusPageRoute.sha256(style.group(1)) + "'"), csp);
        assertTrue(csp.startsWith("default-src 'none'"));
    }

    @Test
    void statusPageWithoutTheNodeServiceSaysSoAndKeepsPolling() throws Exception {
        HttpResponse<String> r = get("/");

        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("Status unavailable"));
        assertTrue(r.body().contains("setInterval(refresh, 5000)"));
    }

    @Test
    void onlyTheRootPathIsThePage() throws Exception {
        assertEquals(404, get("/index.php").statusCode());
        assertEquals(404, get("/api/status/x").statusCode());
    }

    @Test
    void uptimeReadsLikeAConsole() {
        assertEquals("0s", StatusPageRoute.uptime(0));
        assertEquals("1m 0s", StatusPageRoute.uptime(60));
        assertEquals("1h 0m 5s", StatusPageRoute.uptime(3605));
        assertEquals("2d 0h 0m 0s", StatusPageRoute.uptime(172_800));
    }
}
