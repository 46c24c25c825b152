package org.stateos.fanoutbench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the node's server-added latency from {@code GET /api/webrtc/latency} when the node has it (another piece of
 * issue 5 adds it): {@code {"count":..,"p50Micros":..,"p95Micros":..,"p99Micros":..,"maxMicros":..}}, either at the
 * top level or, preferably, inside a member for the last interval. Absent or unreadable → empty ("n/a").
 */
public final class LatencyProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI url;

    public LatencyProbe(URI url) {
        this.url = url;
    }

    public Optional<Target.Latency> read() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? parse(r.body()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The last-interval histogram if the JSON has one (a member whose name says interval/last/recent), else the top. */
    static Optional<Target.Latency> parse(String json) {
        JsonElement e;
        try {
            e = JsonParser.parseString(json);
        } catch (RuntimeException bad) {
            return Optional.empty();
        }
        if (!e.isJsonObject()) {
            return Optional.empty();
        }
        JsonObject o = e.getAsJsonObject();
        for (String key : o.keySet()) {
            String k = key.toLowerCase(java.util.Locale.ROOT);
            if ((k.contains("interval") || k.contains("last") || k.contains("recent")) && o.get(key).isJsonObject()) {
                Optional<Target.Latency> l = of(o.getAsJsonObject(key));
                if (l.isPresent()) {
                    return l;
                }
            }
        }
        Optional<Target.Latency> top = of(o);
        if (top.isPresent()) {
            return top;
        }
        for (String key : o.keySet()) {
            if (o.get(key).isJsonObject()) {
                Optional<Target.Latency> l = of(o.getAsJsonObject(key));
                if (l.isPresent()) {
                    return l;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Target.Latency> of(JsonObject o) {
        if (!o.has("p99Micros")) {
            return Optional.empty();
        }
        return Optional.of(new Target.Latency(num(o, "count"), dbl(o, "p50Micros"), dbl(o, "p95Micros"),
                dbl(o, "p99Micros"), dbl(o, "maxMicros")));
    }

    private static long num(JsonObject o, String k) {
        return o.has(k) && o.get(k).isJsonPrimitive() ? o.get(k).getAsLong() : -1;
    }

    private static double dbl(JsonObject o, String k) {
        return o.has(k) && o.get(k).isJsonPrimitive() ? o.get(k).getAsDouble() : Double.NaN;
    }
}
