package org.stateos.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpResponseStream;
import org.stateos.http.HttpRoute;

class HttpServerTest {
    private TestServer t;

    @BeforeEach
    void start() {
        t = new TestServer();
    }

    @AfterEach
    void stop() {
        t.close();
    }

    /** A route answering "name pathInRoute". */
    private static HttpRoute named(String name) {
        return ex -> ex.respond(HttpResponseStatus.OK, "text/plain", name + " " + ex.pathInRoute());
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    // ---- routing

    @Test
    void routesToTheLongestMatchingPrefixOnSegmentBoundaries() {
        t.route(named("root"), HttpRoute.PREFIX, "/");
        t.route(named("a"), HttpRoute.PREFIX, "/a");
        t.route(named("ab"), HttpRoute.PREFIX, "/a/b/");

        assertEquals("ab /c/d", t.get("/a/b/c/d").body());
        assertEquals("ab ", t.get("/a/b").body());
        assertEquals("a /bc", t.get("/a/bc").body());
        assertEquals("a ", t.get("/a?x=1").body());
        assertEquals("root /ax", t.get("/ax").body());
    }

    @Test
    void exactRouteServesOnlyItsOwnPath() {
        t.route(named("exact"), HttpRoute.PREFIX, "/status", HttpRoute.MATCH, "exact");

        assertEquals(200, t.get("/status").statusCode());
        assertEquals(404, t.get("/status/more").statusCode());
    }

    @Test
    void answers404WhenNoRouteMatches() {
        t.route(named("api"), HttpRoute.PREFIX, "/api");

        HttpResponse<String> r = t.get("/nothing/here");

        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("nothing is served at this path"), r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void answers405WithAllowHeaderForMethodsTheRouteDoesNotTake() {
        t.route(named("whep"), HttpRoute.PREFIX, "/whep", HttpRoute.METHODS, new String[] {"POST", "DELETE"});

        HttpResponse<String> r = t.get("/whep/cam1");

        assertEquals(405, r.statusCode());
        assertEquals("POST, DELETE, OPTIONS", r.headers().firstValue("allow").orElseThrow());
        assertTrue(r.body().contains("GET is not allowed here"), r.body());
    }

    @Test
    void headReachesGetRoutesAndTheServerDropsTheBody() {
        t.route(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "method " + ex.method()), HttpRoute.PREFIX, "/h");

        HttpResponse<String> r = t.send(t.request("/h").method("HEAD", BodyPublishers.noBody()).build());

        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertEquals(String.valueOf("method HEAD".length()), r.headers().firstValue("content-length").orElseThrow());
    }

    @Test
    void answersOptionsWithAllow() {
        t.route(named("r"), HttpRoute.PREFIX, "/r", HttpRoute.METHODS, "GET,POST");

        HttpResponse<String> r = t.send(t.request("/r").method("OPTIONS", BodyPublishers.noBody()).build());

        assertEquals(204, r.statusCode());
        assertEquals("GET, HEAD, POST, OPTIONS", r.headers().firstValue("allow").orElseThrow());
        assertTrue(r.headers().firstValue("access-control-allow-origin").isEmpty());
    }

    @Test
    void queryParametersAndDecodedPathReachTheRoute() {
        CompletableFuture<HttpExchange> seen = new CompletableFuture<>();
        t.route(ex -> {
            seen.complete(ex);
            ex.respond(HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER);
        }, HttpRoute.PREFIX, "/q");

        assertEquals(204, t.get("/q/a%20b?x=1&x=2&y=%C3%A9").statusCode());

        HttpExchange ex = seen.join();
        assertEquals("/q/a b", ex.path());
        assertEquals("/a b", ex.pathInRoute());
        assertEquals(List.of("1", "2"), ex.queryParameters().get("x"));
        assertEquals(List.of("é"), ex.queryParameters().get("y"));
    }

    @Test
    void refusesMalformedRequestsAndDotSegments() throws IOException {
        t.route(named("root"), HttpRoute.PREFIX, "/");
        try (RawHttp raw = t.raw()) {
            RawHttp.Response r = raw.send("GET /a/../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(400, r.status());
            assertTrue(raw.closedByServer());
        }
        try (RawHttp raw = t.raw()) {
            RawHttp.Response r = raw.send("NOT HTTP AT ALL\r\n\r\n").read();
            assertEquals(400, r.status());
            assertTrue(raw.closedByServer());
        }
        try (RawHttp raw = t.raw()) {
            RawHttp.Response r = raw.send("GET /" + "x".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(414, r.status());
        }
    }

    @Test
    void acceptsAbsoluteFormTargets() throws IOException {
        t.route(named("a"), HttpRoute.PREFIX, "/a");
        try (RawHttp raw = t.raw()) {
            RawHttp.Response r = raw.send("GET http://example.org/a/b?c=d HTTP/1.1\r\nHost: example.org\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("a /b", r.body());
        }
    }

    // ---- body limit

    @Test
    void acceptsABodyOfExactlyTheLimit() {
        t.route(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "got " + ex.request().content().readableBytes()),
                HttpRoute.PREFIX, "/upload", HttpRoute.METHODS, "POST");

        HttpResponse<String> r = t.send(t.request("/upload").POST(BodyPublishers.ofByteArray(new byte[TestServer.MAX_BODY])).build());

        assertEquals(200, r.statusCode());
        assertEquals("got " + TestServer.MAX_BODY, r.body());
    }

    @Test
    void refusesADeclaredBodyOverTheLimitWith413AndKeepsTheConnection() throws IOException {
        t.route(ex -> ex.respond(HttpResponseStatus.OK, "text/plain", "got " + ex.request().content().readableBytes()),
                HttpRoute.PREFIX, "/upload", HttpRoute.METHODS, "POST");
        int size = TestServer.MAX_BODY + 1;
        try (RawHttp raw = t.raw()) {
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
            raw.send(new byte[size]);
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");

            RawHttp.Response refused = raw.read();
            assertEquals(413, refused.status());
            assertTrue(refused.body().contains("request body larger than the limit of " + TestServer.MAX_BODY + " bytes"),
                    refused.body());
            RawHttp.Response next = raw.read();
            assertEquals(200, next.status());
            assertEquals("got 3", next.body());
        }
        assertEquals(1, t.server.acceptedConnections());
    }

    @Test
    void refusesAnOversizedBodyFromJavaHttpClientWith413() {
        t.route(named("upload"), HttpRoute.PREFIX, "/upload", HttpRoute.METHODS, "POST");

        HttpResponse<String> r = t.send(t.request("/upload").POST(BodyPublishers.ofByteArray(new byte[4 * TestServer.MAX_BODY])).build());

        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("larger than the limit"), r.body());
        assertEquals(200, t.send(t.request("/upload").POST(BodyPublishers.ofString("ok")).build()).statusCode());
    }

    @Test
    void refusesExpectContinueOverTheLimitBeforeTheBodyIsSent() throws IOException {
        t.route(named("upload"), HttpRoute.PREFIX, "/upload", HttpRoute.METHODS, "POST");

        // Raw socket: java.net.http in JDK 17 waits forever when Expect: 100-continue gets a final status (JDK-8286171).
        try (RawHttp raw = t.raw()) {
            RawHttp.Response r = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 999999\r\n\r\n").read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(raw.closedByServer());
        }
        try (RawHttp raw = t.raw()) {
            assertEquals(100, raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n").read().status());
            assertEquals(200, raw.send("ok").read().status());
        }
    }

    @Test
    void cutsAChunkedBodyGrowingPastTheLimitWith413() throws IOException {
        t.route(named("upload"), HttpRoute.PREFIX, "/upload", HttpRoute.METHODS, "POST");
        int size = TestServer.MAX_BODY + 100;
        try (RawHttp raw = t.raw()) {
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(size)
                    + "\r\n" + "x".repeat(size) + "\r\n0\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("connection"));
        }
    }

    // ---- CORS

    @Test
    void answersCorsPreflightForCorsRoutes() {
        t.route(named("whep"), HttpRoute.PREFIX, "/whep", HttpRoute.METHODS, "POST,PATCH,DELETE",
                HttpRoute.CORS_ORIGINS, "*");

        HttpResponse<String> r = t.send(t.request("/whep/cam1").method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://player.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build());

        assertEquals(204, r.statusCode());
        assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertEquals("POST, PATCH, DELETE, OPTIONS", r.headers().firstValue("access-control-allow-methods").orElseThrow());
        assertEquals(HttpRoute.DEFAULT_CORS_ALLOW_HEADERS, r.headers().firstValue("access-control-allow-headers").orElseThrow());
        assertEquals("600", r.headers().firstValue("access-control-max-age").orElseThrow());
    }

    @Test
    void addsCorsHeadersAndExposesLocationLinkEtag() {
        t.route(ex -> {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED);
            r.headers().set("Location", "/whep/cam1/sessions/1");
            r.headers().set("ETag", "\"1\"");
            ex.respond(r);
        }, HttpRoute.PREFIX, "/whep", HttpRoute.METHODS, "POST", HttpRoute.CORS_ORIGINS, "*");

        HttpResponse<String> r = t.send(t.request("/whep/cam1").header("Origin", "https://player.example")
                .POST(BodyPublishers.ofString("v=0")).build());

        assertEquals(201, r.statusCode());
        assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertEquals("Location, Link, ETag", r.headers().firstValue("access-control-expose-headers").orElseThrow());
        assertEquals("/whep/cam1/sessions/1", r.headers().firstValue("location").orElseThrow());
    }

    @Test
    void corsWithAnOriginListEchoesOnlyListedOrigins() {
        t.route(named("r"), HttpRoute.PREFIX, "/r", HttpRoute.CORS_ORIGINS, new String[] {"https://a.example", "https://b.example"},
                HttpRoute.CORS_EXPOSE_HEADERS, "ETag");

        HttpResponse<String> listed = t.send(t.request("/r").header("Origin", "https://b.example").build());
        HttpResponse<String> other = t.send(t.request("/r").header("Origin", "https://evil.example").build());

        assertEquals("https://b.example", listed.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertEquals("ETag", listed.headers().firstValue("access-control-expose-headers").orElseThrow());
        assertEquals("Origin", listed.headers().firstValue("vary").orElseThrow());
        assertEquals(200, other.statusCode());
        assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty());
    }

    @Test
    void routesWithoutCorsSendNoCorsHeaders() {
        t.route(named("r"), HttpRoute.PREFIX, "/r");

        HttpResponse<String> r = t.send(t.request("/r").header("Origin", "https://player.example").build());
        HttpResponse<String> preflight = t.send(t.request("/r").method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://player.example").header("Access-Control-Request-Method", "GET").build());

        assertTrue(r.headers().firstValue("access-control-allow-origin").isEmpty());
        assertEquals(204, preflight.statusCode());
        assertTrue(preflight.headers().firstValue("access-control-allow-origin").isEmpty());
    }

    // ---- asynchronous answers

    @Test
    void asyncRouteAnswersLaterFromAnotherThread() throws Exception {
        CompletableFuture<HttpExchange> arrived = new CompletableFuture<>();
        t.route(arrived::complete, HttpRoute.PREFIX, "/later");

        CompletableFuture<HttpResponse<String>> response = t.client.sendAsync(t.request("/later").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpExchange ex = await(arrived);
        assertFalse(response.isDone());
        assertTrue(ex.isOpen());
        ex.respond(HttpResponseStatus.OK, "text/plain", "answered later");

        assertEquals("answered later", await(response).body());
        assertFalse(ex.isOpen());
    }

    @Test
    void respondLaterAnswersWhenTheStageCompletes() throws Exception {
        CompletableFuture<FullHttpResponse> answer = new CompletableFuture<>();
        CompletableFuture<Void> handled = new CompletableFuture<>();
        t.route(ex -> {
            ex.respondLater(answer);
            handled.complete(null);
        }, HttpRoute.PREFIX, "/stage");

        CompletableFuture<HttpResponse<String>> response = t.client.sendAsync(t.request("/stage").build(),
                HttpResponse.BodyHandlers.ofString());
        await(handled);
        answer.complete(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.ACCEPTED,
                Unpooled.copiedBuffer("done", StandardCharsets.UTF_8)));

        HttpResponse<String> r = await(response);
        assertEquals(202, r.statusCode());
        assertEquals("done", r.body());
    }

    @Test
    void streamsAResponseInChunks() throws Exception {
        CompletableFuture<HttpResponseStream> started = new CompletableFuture<>();
        t.route(ex -> started.complete(ex.stream(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK))),
                HttpRoute.PREFIX, "/stream");

        try (RawHttp raw = t.raw()) {
            raw.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpResponseStream stream = await(started);
            for (String part : List.of("one ", "two ", "three")) {
                stream.write(Unpooled.copiedBuffer(part, StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            stream.end();
            RawHttp.Response r = raw.read();
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals("one two three", r.body());
            assertFalse(stream.isOpen());
        }
    }

    @Test
    void answeringTwiceThrowsAndReleasesTheSecondBody() throws Exception {
        CompletableFuture<Throwable> second = new CompletableFuture<>();
        ByteBuf secondBody = Unpooled.directBuffer(16).writeLong(1);
        t.route(ex -> {
            ex.respond(HttpResponseStatus.OK, "text/plain", "first");
            try {
                ex.respond(HttpResponseStatus.OK, null, secondBody);
                second.complete(null);
            } catch (IllegalStateException e) {
                second.complete(e);
            }
        }, HttpRoute.PREFIX, "/twice");

        assertEquals("first", t.get("/twice").body());
        assertTrue(await(second) instanceof IllegalStateException);
        assertEquals(0, secondBody.refCnt());
    }

    // ---- failures

    @Test
    void routeThatThrowsGets500WithAGenericBodyAndTheServerKeepsServing() throws Exception {
        t.route(ex -> {
            throw new IllegalStateException("secret internal detail");
        }, HttpRoute.PREFIX, "/boom", HttpRoute.NAME, "exploding-route");
        t.route(named("fine"), HttpRoute.PREFIX, "/fine");

        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> r;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            r = t.get("/boom");
        } finally {
            System.setErr(originalErr);
        }

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("secret"), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("exploding-route") && log.contains("secret internal detail"), log);
        assertEquals(200, t.get("/fine").statusCode());
        assertEquals(200, t.get("/fine").statusCode());
        assertEquals(1, t.server.acceptedConnections(), "the connection survived the failure");
    }

    @Test
    void asyncFailureGets500() throws Exception {
        t.route(ex -> ex.respondLater(CompletableFuture.failedFuture(new IOException("store unreachable"))),
                HttpRoute.PREFIX, "/failing");

        HttpResponse<String> r = t.get("/failing");

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("store"), r.body());
    }

    @Test
    void removingARouteMidRequestAnswers503AndTheServerSurvives() throws Exception {
        CompletableFuture<HttpExchange> arrived = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        HttpServer.RouteHandle handle = t.route(ex -> {
            ex.onDone(() -> done.complete(null));
            arrived.complete(ex);
        }, HttpRoute.PREFIX, "/going");
        t.route(named("staying"), HttpRoute.PREFIX, "/staying");

        CompletableFuture<HttpResponse<String>> response = t.client.sendAsync(t.request("/going").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpExchange ex = await(arrived);
        handle.remove();

        assertEquals(503, await(response).statusCode());
        await(done);
        ex.respond(HttpResponseStatus.OK, "text/plain", "too late"); // dropped, no exception, no leak
        assertEquals(404, t.get("/going").statusCode());
        assertEquals(200, t.get("/staying").statusCode());
    }

    @Test
    void clientGoingAwayEndsTheExchange() throws Exception {
        CompletableFuture<HttpExchange> arrived = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        t.route(ex -> {
            ex.onDone(() -> done.complete(null));
            arrived.complete(ex);
        }, HttpRoute.PREFIX, "/wait");

        try (RawHttp raw = t.raw()) {
            raw.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
            await(arrived);
        }
        await(done);
        HttpExchange ex = arrived.get();
        assertFalse(ex.isOpen());
        ByteBuf late = Unpooled.directBuffer(8).writeLong(7);
        ex.respond(HttpResponseStatus.OK, null, late);
        assertEquals(0, late.refCnt());
    }

    // ---- connections

    @Test
    void reusesKeepAliveConnections() {
        t.route(named("r"), HttpRoute.PREFIX, "/r");

        for (int i = 0; i < 5; i++) {
            assertEquals(200, t.get("/r").statusCode());
        }

        assertEquals(1, t.server.acceptedConnections());
        assertEquals(5, t.server.routes().get(0).requests());
        assertEquals(5, t.server.routes().get(0).responsesByClass()[1]);
    }

    @Test
    void answersPipelinedRequestsInOrderEvenWhenTheFirstIsAsync() throws Exception {
        CompletableFuture<HttpExchange> slow = new CompletableFuture<>();
        t.route(slow::complete, HttpRoute.PREFIX, "/slow");
        t.route(named("fast"), HttpRoute.PREFIX, "/fast");

        try (RawHttp raw = t.raw()) {
            raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
            await(slow).respond(HttpResponseStatus.OK, "text/plain", "slow");

            assertEquals("slow", raw.read().body());
            assertEquals("fast ", raw.read().body());
        }
    }

    @Test
    void closesIdleConnectionsButNotOnesWaitingForAnAnswer() throws Exception {
        Duration idle = Duration.ofMillis(300);
        try (TestServer short_ = new TestServer(new HttpServerSettings("127.0.0.1", 0, 1024, idle, 10, Duration.ZERO))) {
            // The route answers after three idle periods, timed by the server's own event loop.
            short_.route(ex -> ex.executor().schedule(() -> ex.respond(HttpResponseStatus.OK, "text/plain", "patient"),
                    3 * idle.toMillis(), TimeUnit.MILLISECONDS), HttpRoute.PREFIX, "/patient");
            try (RawHttp quiet = short_.raw(); RawHttp waiting = short_.raw()) {
                waiting.send("GET /patient HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(quiet.closedByServer());
                assertEquals("patient", waiting.read().body());
            }
        }
    }

    @Test
    void refusesConnectionsOverTheLimitWith503() throws IOException {
        try (TestServer one = new TestServer(new HttpServerSettings("127.0.0.1", 0, 1024, Duration.ofSeconds(30), 1,
                Duration.ZERO))) {
            one.route(named("r"), HttpRoute.PREFIX, "/r");
            try (RawHttp first = one.raw()) {
                assertEquals(200, first.send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
                RawHttp second = one.raw(); // only now: the first must be counted first
                RawHttp.Response refused = second.send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(503, refused.status());
                assertTrue(refused.body().contains("too many connections"));
                assertTrue(second.closedByServer());
                second.close();
                assertEquals(200, first.send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
        }
    }

    @Test
    void closeReleasesThePortAndClosesEveryConnection() throws Exception {
        t.route(named("r"), HttpRoute.PREFIX, "/r");
        int port = t.port();
        try (RawHttp idle = t.raw(); RawHttp used = t.raw()) {
            assertEquals(200, used.send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n").read().status());

            t.server.close();

            assertNull(t.server.localAddress());
            assertTrue(idle.closedByServer());
            assertTrue(used.closedByServer());
            assertEquals(0, t.server.openConnections());
        }
        // Free the moment close() returns: a plain socket (SO_REUSEADDR, as servers set it) listens there at once.
        try (java.net.ServerSocket again = new java.net.ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            assertTrue(again.isBound());
        }
    }

    @Test
    void requestInProgressMayFinishDuringTheShutdownGrace() throws Exception {
        CompletableFuture<HttpExchange> arrived = new CompletableFuture<>();
        t.route(arrived::complete, HttpRoute.PREFIX, "/inflight");

        try (RawHttp raw = t.raw()) {
            raw.send("GET /inflight HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpExchange ex = await(arrived);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(t.server::close);
            // Answer once the server is stopping: the answer still goes out, saying the connection closes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!t.server.isStopping()) {
                assertTrue(System.nanoTime() < deadline, "close() did not start");
                Thread.onSpinWait();
            }
            ex.respond(HttpResponseStatus.OK, "text/plain", "finished");
            RawHttp.Response r = raw.read();
            assertEquals("finished", r.body());
            assertEquals("close", r.header("connection"));
            assertTrue(raw.closedByServer());
            closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesInvalidRouteProperties() {
        assertThrows(IllegalArgumentException.class, () -> t.route(named("x")));
        assertThrows(IllegalArgumentException.class, () -> t.route(named("x"), HttpRoute.PREFIX, "relative"));
        assertThrows(IllegalArgumentException.class, () -> t.route(named("x"), HttpRoute.PREFIX, "/a/../b"));
        assertThrows(IllegalArgumentException.class, () -> t.route(named("x"), HttpRoute.PREFIX, "/a", HttpRoute.MATCH, "regex"));
        assertThrows(IllegalArgumentException.class, () -> t.route(named("x"), HttpRoute.PREFIX, "/a", HttpRoute.METHODS, "GE T"));
        assertThrows(IllegalArgumentException.class, () -> t.route(named("x"), HttpRoute.PREFIX, "/a", HttpRoute.CORS_ORIGINS, "example.org"));
    }

    @Test
    void updatedPropertiesMoveTheRouteAndKeepItsCounters() {
        HttpServer.RouteHandle handle = t.route(named("moving"), HttpRoute.PREFIX, "/old");
        assertEquals(200, t.get("/old").statusCode());

        handle.update(TestServer.props(HttpRoute.PREFIX, "/new", HttpRoute.NAME, "moved"));

        assertEquals(404, t.get("/old").statusCode());
        assertEquals(200, t.get("/new").statusCode());
        RouteSnapshot s = t.server.routes().get(0);
        assertEquals("moved", s.name());
        assertEquals(2, s.requests());
    }

    @Test
    void higherRankingWinsBetweenEqualPrefixes() {
        t.route(named("low"), HttpRoute.PREFIX, "/same");
        t.route(named("high"), HttpRoute.PREFIX, "/same", "service.ranking", 10);

        assertEquals("high ", t.get("/same").body());
    }

    @Test
    void aFailingResponseFutureDoesNotBreakTheNextRequest() throws ExecutionException, InterruptedException {
        t.route(ex -> ex.respondLater(CompletableFuture.completedFuture(null)), HttpRoute.PREFIX, "/null");
        t.route(named("ok"), HttpRoute.PREFIX, "/ok");

        assertEquals(500, t.get("/null").statusCode());
        assertEquals(200, t.get("/ok").statusCode());
    }
}
