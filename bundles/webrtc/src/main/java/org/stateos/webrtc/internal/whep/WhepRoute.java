package org.stateos.webrtc.internal.whep;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;
import org.stateos.webrtc.internal.sdp.SdpException;
import org.stateos.webrtc.internal.session.SessionRegistry;

/**
 * WHEP (draft-ietf-wish-whep) on the node's HTTP server:
 * <ul>
 *   <li>{@code POST /whep/<stream>} with an {@code application/sdp} offer: 201 with the answer and
 *       {@code Location: /whep/<stream>/<session>}; 404 no such stream, 400 bad SDP (the reason in the body),
 *       406 nothing in the offer fits the stream, 415 not SDP, 429 the client's address has
 *       {@code whep.max.connecting.per.address} sessions still connecting or {@code whep.max.sessions.per.address}
 *       sessions, 503 the node is full.</li>
 *   <li>{@code DELETE /whep/<stream>/<session>}: 200, the session ends; 404 when there is no such session.</li>
 *   <li>{@code GET /whep/<stream>/<session>} (not part of WHEP): the session's video clock pair as JSON, for the
 *       player's latency readout; 503 before the first video packet.</li>
 *   <li>{@code PATCH /whep/<stream>/<session>} (trickle ICE, {@code application/trickle-ice-sdpfrag}): 204 and
 *       ignored. This server is ICE-lite: it learns the browser's addresses from its connectivity checks and needs
 *       no remote candidates. ICE restarts are not supported (a client makes a new session).</li>
 *   <li>{@code OPTIONS}: 204 with {@code Accept-Post: application/sdp}; CORS preflights are answered by the HTTP
 *       server for the origins in {@code http.route.cors.origins} (default {@code *}).</li>
 * </ul>
 * The answer is given on the HTTP event loop: opening a transport only reserves credentials, it does not wait.
 */
@Component(service = HttpRoute.class, configurationPid = SessionRegistry.PID, property = {
        HttpRoute.PREFIX + "=/whep",
        HttpRoute.METHODS + "=GET,POST,DELETE,PATCH,OPTIONS",
        HttpRoute.NAME + "=whep",
        HttpRoute.CORS_ORIGINS + "=*",
        HttpRoute.CORS_ALLOW_HEADERS + "=Content-Type, Authorization, If-Match",
        HttpRoute.CORS_EXPOSE_HEADERS + "=Location, Link"})
public final class WhepRoute implements HttpRoute {
    private static final Logger LOG = LoggerFactory.getLogger(WhepRoute.class);
    static final String SDP = "application/sdp";
    static final String TRICKLE = "application/trickle-ice-sdpfrag";
    static final String TEXT = "text/plain; charset=utf-8";

    private final SessionRegistry sessions;

    @Activate
    public WhepRoute(@Reference SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public void handle(HttpExchange exchange) {
        String[] path = segments(exchange.pathInRoute());
        HttpMethod method = exchange.method();
        if (path == null) {
            text(exchange, HttpResponseStatus.NOT_FOUND, "WHEP URLs are /whep/<stream> and /whep/<stream>/<session>");
        } else if (method.equals(HttpMethod.OPTIONS)) {
            FullHttpResponse r = response(exchange, HttpResponseStatus.NO_CONTENT, null, null);
            r.headers().set(HttpHeaderNames.ALLOW, path.length == 1 ? "POST, OPTIONS" : "GET, DELETE, PATCH, OPTIONS");
            r.headers().set("Accept-Post", SDP);
            exchange.respond(r);
        } else if (path.length == 1 && method.equals(HttpMethod.POST)) {
            offer(exchange, path[0]);
        } else if (path.length == 2 && method.equals(HttpMethod.DELETE)) {
            if (sessions.close(path[0], path[1], "ended by the client (DELETE)")) {
                exchange.respond(HttpResponseStatus.OK, TEXT, "session ended\n");
            } else {
                text(exchange, HttpResponseStatus.NOT_FOUND, "no session " + path[1] + " on stream " + path[0]);
            }
        } else if (path.length == 2 && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD))) {
            clock(exchange, path[0], path[1]);
        } else if (path.length == 2 && method.equals(HttpMethod.PATCH)) {
            if (!isType(exchange, TRICKLE)) {
                text(exchange, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "PATCH takes " + TRICKLE);
            } else if (sessions.get(path[1]).filter(s -> s.streamName().equals(path[0])).isEmpty()) {
                text(exchange, HttpResponseStatus.NOT_FOUND, "no session " + path[1] + " on stream " + path[0]);
            } else {
                exchange.respond(HttpResponseStatus.NO_CONTENT, null, (CharSequence) "");
            }
        } else {
            FullHttpResponse r = response(exchange, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                    method + " is not allowed here\n");
            r.headers().set(HttpHeaderNames.ALLOW, path.length == 1 ? "POST, OPTIONS" : "GET, DELETE, PATCH, OPTIONS");
            exchange.respond(r);
        }
    }

    /**
     * GET on a session (not part of WHEP): its video clock mapping as JSON, {@code {"rtpTimestamp": u32,
     * "wallMillis": ms since 1970}}, the pair a sender report carries. The player maps each painted frame's RTP
     * timestamp to its ingest wall clock with it, for the latency readout.
     */
    private void clock(HttpExchange exchange, String stream, String id) {
        var session = sessions.get(id).filter(s -> s.streamName().equals(stream));
        if (session.isEmpty()) {
            text(exchange, HttpResponseStatus.NOT_FOUND, "no session " + id + " on stream " + stream);
            return;
        }
        exchange.respondLater(session.get().videoClock().thenApply(pair -> pair
                .map(p -> response(exchange, HttpResponseStatus.OK, "application/json",
                        "{\"rtpTimestamp\":" + p[0] + ",\"wallMillis\":" + p[1] + "}\n"))
                .orElseGet(() -> response(exchange, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT,
                        "no video sent on this session yet\n"))));
    }

    private void offer(HttpExchange exchange, String stream) {
        if (!isType(exchange, SDP)) {
            text(exchange, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "the offer must be sent as Content-Type: " + SDP);
            return;
        }
        ByteBuf body = exchange.request().content();
        if (body.readableBytes() > sessions.settings().maxOfferBytes()) {
            text(exchange, HttpResponseStatus.BAD_REQUEST, "bad SDP offer: " + body.readableBytes()
                    + " bytes exceeds the maximum of " + sessions.settings().maxOfferBytes());
            return;
        }
        String offer = body.toString(StandardCharsets.UTF_8);
        try {
            java.net.InetSocketAddress remote = exchange.remoteAddress();
            SessionRegistry.Created created = sessions.create(stream, offer, remote == null ? null : remote.getAddress());
            String location = "/whep/" + stream + "/" + created.session().id();
            FullHttpResponse r = response(exchange, HttpResponseStatus.CREATED, SDP, created.answer());
            r.headers().set(HttpHeaderNames.LOCATION, location);
            exchange.respond(r);
            LOG.info("WHEP session {} for stream {} from {}", created.session().id(), stream, exchange.remoteAddress());
        } catch (StreamNotFoundException e) {
            text(exchange, HttpResponseStatus.NOT_FOUND, e.getMessage());
        } catch (SdpException e) {
            HttpResponseStatus status = e.status() == SdpException.NOT_ACCEPTABLE ? HttpResponseStatus.NOT_ACCEPTABLE
                    : HttpResponseStatus.BAD_REQUEST;
            LOG.debug("WHEP offer for {} from {} refused ({}): {}", stream, exchange.remoteAddress(), status.code(), e.getMessage());
            text(exchange, status, (status.code() == 400 ? "bad SDP offer: " : "") + e.getMessage());
        } catch (SessionRegistry.TooManyFromAddressException e) {
            text(exchange, HttpResponseStatus.TOO_MANY_REQUESTS, e.getMessage());
        } catch (SessionRegistry.TooManySessionsException e) {
            text(exchange, HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    /** {@code /<stream>} or {@code /<stream>/<session>} as segments; null for anything else. */
    static String[] segments(String pathInRoute) {
        if (pathInRoute == null || pathInRoute.length() < 2 || pathInRoute.charAt(0) != '/') {
            return null;
        }
        String[] s = pathInRoute.substring(1).split("/", -1);
        if (s.length > 2) {
            return null;
        }
        for (String part : s) {
            if (part.isEmpty()) {
                return null;
            }
        }
        return s;
    }

    private static boolean isType(HttpExchange exchange, String type) {
        String ct = exchange.request().headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT).equals(type);
    }

    private static void text(HttpExchange exchange, HttpResponseStatus status, String reason) {
        exchange.respond(status, TEXT, reason + "\n");
    }

    private static FullHttpResponse response(HttpExchange exchange, HttpResponseStatus status, String type, String body) {
        ByteBuf content = body == null ? exchange.alloc().buffer(0) : exchange.alloc().buffer(body.length());
        if (body != null) {
            content.writeCharSequence(body, StandardCharsets.UTF_8);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (type != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }
}
