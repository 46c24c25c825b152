package org.stateos.webrtc.internal.whep;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;

/**
 * The player page at {@code /} (exact), ranked above the http bundle's status page (which stays at
 * {@code /api/status}), and its assets under {@code /player/}. Plain files from the bundle's {@code www/}, read once;
 * only the listed names are served.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/",
        HttpRoute.MATCH + "=" + HttpRoute.MATCH_EXACT,
        HttpRoute.METHODS + "=GET",
        HttpRoute.NAME + "=player-page",
        "service.ranking:Integer=10"})
public final class PlayerRoute implements HttpRoute {
    /** Scripts and styles from this origin only; WHEP and /api/streams are same-origin. */
    static final String CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:";

    private final byte[] page = load("index.html");

    @Override
    public void handle(HttpExchange exchange) {
        exchange.respond(file(exchange, page, "text/html; charset=utf-8"));
    }

    static byte[] load(String name) {
        try (InputStream in = PlayerRoute.class.getResourceAsStream("/www/" + name)) {
            if (in == null) {
                throw new IllegalStateException("www/" + name + " is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FullHttpResponse file(HttpExchange exchange, byte[] bytes, String type) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                exchange.alloc().buffer(bytes.length).writeBytes(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        r.headers().set("Content-Security-Policy", CSP);
        r.headers().set("X-Content-Type-Options", "nosniff");
        return r;
    }

    /** {@code /player/player.js} and {@code /player/style.css}. */
    @Component(service = HttpRoute.class, property = {
            HttpRoute.PREFIX + "=/player",
            HttpRoute.METHODS + "=GET",
            HttpRoute.NAME + "=player-assets"})
    public static final class Assets implements HttpRoute {
        private final Map<String, byte[]> files = Map.of(
                "/player.js", load("player.js"),
                "/style.css", load("style.css"));

        @Override
        public void handle(HttpExchange exchange) {
            String name = exchange.pathInRoute();
            byte[] bytes = files.get(name);
            if (bytes == null) {
                exchange.respond(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "no such file\n");
                return;
            }
            exchange.respond(file(exchange, bytes, name.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : "text/css; charset=utf-8"));
        }
    }
}
