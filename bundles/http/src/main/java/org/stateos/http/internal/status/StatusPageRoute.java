package org.stateos.http.internal.status;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.stateos.api.node.NodeStatus;
import org.stateos.api.node.NodeStatusService;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;

/**
 * GET /: a plain HTML status page. Rendered on the server (it reads fine without scripts, e.g. in a text
 * browser), then refreshed every few seconds from /api/status by a small inline script that writes values with
 * textContent only. Every value is escaped; a Content-Security-Policy allows exactly that script and style.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/",
        HttpRoute.MATCH + "=" + HttpRoute.MATCH_EXACT,
        HttpRoute.METHODS + "=GET",
        HttpRoute.NAME + "=status-page"})
public final class StatusPageRoute implements HttpRoute {
    static final int REFRESH_SECONDS = 5;

    static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fafafa}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
            table{border-collapse:collapse}th,td{text-align:left;padding:.25em 1em .25em 0;vertical-align:top}
            td{font-family:ui-monospace,monospace;word-break:break-all}
            .ok{color:#176117}.err{color:#a11}#updated{color:#666;font-size:.9em}
            """;

    static final String SCRIPT = """
            (function () {
              'use strict';
              function set(id, value) {
                document.getElementById(id).textContent = value === null || value === undefined ? '-' : String(value);
              }
              function list(id, items) {
                var ul = document.getElementById(id);
                while (ul.firstChild) { ul.removeChild(ul.firstChild); }
                if (!items.length) { items = ['-']; }
                items.forEach(function (t) {
                  var li = document.createElement('li');
                  li.textContent = t;
                  ul.appendChild(li);
                });
              }
              function uptime(s) {
                if (typeof s !== 'number') { return '-'; }
                var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
                return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + (s % 60) + 's';
              }
              function state(ok, message) {
                var p = document.getElementById('state');
                p.className = ok ? 'ok' : 'err';
                p.textContent = message;
              }
              function render(s) {
                set('short', s.nodeId ? s.nodeId.substring(0, 12) : '-');
                set('nodeId', s.nodeId);
                set('firmwareVersion', s.firmwareVersion);
                set('startedAt', s.startedAt);
                set('uptime', uptime(s.uptimeSeconds));
                var t = s.trust || {};
                set('trusted', t.trusted);
                set('refused', t.refused);
                set('anchorSubject', t.anchorSubject);
                var b = s.bundlesByState || {};
                list('bundles', Object.keys(b).sort().map(function (k) { return k + ': ' + b[k]; }));
                list('listening', s.listening || []);
              }
              function refresh() {
                fetch('/api/status', {cache: 'no-store', headers: {'Accept': 'application/json'}})
                  .then(function (r) {
                    return r.json().then(function (body) { return {ok: r.ok, code: r.status, body: body}; });
                  })
                  .then(function (res) {
                    if (res.ok) {
                      render(res.body);
                      state(true, 'Node status');
                    } else {
                      state(false, 'Status unavailable (HTTP ' + res.code + '): ' + ((res.body && res.body.error) || ''));
                    }
                  })
                  .catch(function (e) { state(false, 'Node unreachable: ' + e); })
                  .then(function () { set('updated', 'Updated ' + new Date().toISOString() + ', every @REFRESH@ s.'); });
              }
              setInterval(refresh, @REFRESH@000);
            })();
            """.replace("@REFRESH@", String.valueOf(REFRESH_SECONDS));

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src '" + sha256(SCRIPT)
            + "'; style-src '" + sha256(STYLE) + "'; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private final AtomicReference<NodeStatusService> status = new AtomicReference<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStatus(NodeStatusService service) {
        status.set(service);
    }

    public void unbindStatus(NodeStatusService service) {
        status.compareAndSet(service, null);
    }

    @Override
    public void handle(HttpExchange exchange) {
        NodeStatusService service = status.get();
        NodeStatus s = service == null ? null : service.status();
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                s == null ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                ByteBufUtil.writeUtf8(exchange.alloc(), render(s)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        r.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        r.headers().set("Referrer-Policy", "no-referrer");
        exchange.respond(r);
    }

    /** The page for {@code s}; null renders the "status unavailable" page (which keeps polling). */
    static String render(NodeStatus s) {
        String nodeId = s == null || s.nodeId() == null ? null : s.nodeId().toHex();
        String shortId = s == null || s.nodeId() == null ? "-" : s.nodeId().shortForm();
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>StateOS node ").append(escape(shortId)).append("</title>\n")
                .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>StateOS node <span id=\"short\">").append(escape(shortId)).append("</span></h1>\n");
        if (s == null) {
            html.append("<p id=\"state\" class=\"err\">Status unavailable: the node service is not running.</p>\n");
        } else {
            html.append("<p id=\"state\" class=\"ok\">Node status</p>\n");
        }
        html.append("<table>\n");
        row(html, "Node id", "nodeId", nodeId);
        row(html, "Firmware", "firmwareVersion", s == null ? null : s.firmwareVersion());
        row(html, "Started at", "startedAt", s == null || s.startedAt() == null ? null : s.startedAt().toString());
        row(html, "Uptime", "uptime", s == null || s.uptime() == null ? null : uptime(s.uptime().toSeconds()));
        NodeStatus.TrustSummary trust = s == null ? null : s.trust();
        row(html, "Trusted bundles", "trusted", trust == null ? null : String.valueOf(trust.trusted()));
        row(html, "Refused bundles", "refused", trust == null ? null : String.valueOf(trust.refused()));
        row(html, "Trust anchor", "anchorSubject", trust == null ? null : trust.anchorSubject());
        html.append("</table>\n<h2>Bundles by state</h2>\n<ul id=\"bundles\">");
        Map<String, Integer> bundles = s == null ? Map.of() : new TreeMap<>(s.bundlesByState());
        list(html, bundles.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
        html.append("</ul>\n<h2>Listening</h2>\n<ul id=\"listening\">");
        list(html, s == null ? List.of() : s.listening());
        html.append("</ul>\n<p id=\"updated\">Rendered by the node; refreshes every ").append(REFRESH_SECONDS)
                .append(" s.</p>\n<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void row(StringBuilder html, String label, String id, String value) {
        html.append("<tr><th>").append(escape(label)).append("</th><td id=\"").append(id).append("\">")
                .append(escape(value == null ? "-" : value)).append("</td></tr>\n");
    }

    private static void list(StringBuilder html, List<String> items) {
        if (items.isEmpty()) {
            html.append("<li>-</li>");
        }
        for (String item : items) {
            html.append("<li>").append(escape(item)).append("</li>");
        }
    }

    static String uptime(long s) {
        long d = s / 86400;
        long h = s % 86400 / 3600;
        long m = s % 3600 / 60;
        return (d > 0 ? d + "d " : "") + (d > 0 || h > 0 ? h + "h " : "") + (d > 0 || h > 0 || m > 0 ? m + "m " : "")
                + (s % 60) + "s";
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String sha256(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
