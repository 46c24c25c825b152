package org.stateos.http.internal.command;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.net.InetSocketAddress;
import java.util.List;
import org.stateos.http.internal.HttpServerInfo;
import org.stateos.http.internal.RouteSnapshot;

/** The output of {@code http:routes}: an 80-column table, or JSON with every counter. */
public final class RoutesReport {
    private static final String ROW = "%-17s %-17s %-4s %6s %5s %5s %6s %s%n";
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private RoutesReport() {}

    public static String table(HttpServerInfo server) {
        StringBuilder out = new StringBuilder();
        InetSocketAddress address = server.localAddress();
        out.append(address == null ? "HTTP server not listening" : "HTTP listening on " + hostPort(address))
                .append(String.format("  connections %d open (max %d), %d accepted%n",
                        server.openConnections(), server.maxConnections(), server.acceptedConnections()));
        out.append(String.format(ROW, "ROUTE", "METHODS", "CORS", "REQS", "4XX", "5XX", "OUT", "BUNDLE"));
        List<RouteSnapshot> routes = server.routes();
        if (routes.isEmpty()) {
            out.append("(no routes registered)\n");
        }
        for (RouteSnapshot r : routes) {
            out.append(row(r.pattern(), String.join(",", r.methods()), r.corsOrigins().isEmpty() ? "-" : "yes", r,
                    shortBundle(r.bundle())));
        }
        out.append(row("(no route)", "", "", server.unrouted(), ""));
        return out.toString();
    }

    private static String row(String pattern, String methods, String cors, RouteSnapshot r, String bundle) {
        return String.format(ROW, fit(pattern, 17), fit(methods, 17), cors, count(r.requests()),
                count(r.responsesByClass()[3]), count(r.responsesByClass()[4]), bytes(r.bytesOut()), fit(bundle, 12))
                .stripTrailing() + "\n";
    }

    public static String json(HttpServerInfo server) {
        JsonObject o = new JsonObject();
        InetSocketAddress address = server.localAddress();
        o.addProperty("listening", address == null ? null : hostPort(address));
        o.addProperty("openConnections", server.openConnections());
        o.addProperty("maxConnections", server.maxConnections());
        o.addProperty("acceptedConnections", server.acceptedConnections());
        JsonArray routes = new JsonArray();
        server.routes().forEach(r -> routes.add(json(r)));
        o.add("routes", routes);
        o.add("unrouted", json(server.unrouted()));
        return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(o) + "\n";
    }

    private static JsonObject json(RouteSnapshot r) {
        JsonObject o = new JsonObject();
        o.addProperty("name", r.name());
        o.addProperty("prefix", r.prefix());
        o.addProperty("match", r.exact() ? "exact" : "prefix");
        JsonArray methods = new JsonArray();
        r.methods().forEach(methods::add);
        o.add("methods", methods);
        JsonArray cors = new JsonArray();
        r.corsOrigins().forEach(cors::add);
        o.add("corsOrigins", cors);
        o.addProperty("bundle", r.bundle());
        o.addProperty("requests", r.requests());
        JsonObject responses = new JsonObject();
        for (int i = 0; i < CLASSES.length; i++) {
            responses.addProperty(CLASSES[i], r.responsesByClass()[i]);
        }
        o.add("responses", responses);
        o.addProperty("bytesOut", r.bytesOut());
        o.addProperty("inFlight", r.inFlight());
        return o;
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** org.stateos.webrtc → webrtc: the vendor prefix says nothing at a console. */
    static String shortBundle(String bundle) {
        return bundle.startsWith("org.stateos.") ? bundle.substring("org.stateos.".length()) : bundle;
    }

    static String fit(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }

    static String count(long n) {
        if (n < 100_000) {
            return Long.toString(n);
        }
        return n < 100_000_000 ? n / 1000 + "k" : n / 1_000_000 + "M";
    }

    static String bytes(long n) {
        if (n < 10_000) {
            return n + "B";
        }
        if (n < 10_000_000) {
            return n / 1024 + "K";
        }
        if (n < 10_000_000_000L) {
            return n / (1024 * 1024) + "M";
        }
        return n / (1024L * 1024 * 1024) + "G";
    }
}
