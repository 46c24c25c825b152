package org.stateos.http.internal;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.stateos.http.HttpRoute;

/** One registered route: its parsed service properties, its counters and the exchanges it has not answered. */
final class RouteEntry {
    final HttpRoute route;
    final String name;
    final String prefix;
    final boolean exact;
    /** Methods as registered (without the implied HEAD and OPTIONS). */
    final Set<HttpMethod> methods;
    /** The value of an {@code Allow} header: registered methods, HEAD if GET, OPTIONS. */
    final String allow;
    /** Null when the route did not opt in to CORS. */
    final CorsPolicy cors;
    final String bundle;
    final long serviceId;
    final int ranking;
    final RouteMetrics metrics;
    final Set<Exchange> inFlight;
    /** Shared by the versions of one registration (properties modified): set once it is unregistered. */
    private final AtomicBoolean retired;

    private RouteEntry(HttpRoute route, String name, String prefix, boolean exact, Set<HttpMethod> methods,
            CorsPolicy cors, String bundle, long serviceId, int ranking, RouteMetrics metrics, Set<Exchange> inFlight,
            AtomicBoolean retired) {
        this.route = route;
        this.name = name;
        this.prefix = prefix;
        this.exact = exact;
        this.methods = Collections.unmodifiableSet(methods);
        this.cors = cors;
        this.bundle = bundle;
        this.serviceId = serviceId;
        this.ranking = ranking;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.retired = retired;
        Set<String> allowed = new LinkedHashSet<>();
        for (HttpMethod m : methods) {
            allowed.add(m.name());
            if (m.equals(HttpMethod.GET)) {
                allowed.add(HttpMethod.HEAD.name());
            }
        }
        allowed.add(HttpMethod.OPTIONS.name());
        this.allow = String.join(", ", allowed);
    }

    /**
     * Parses a route's service properties.
     *
     * @throws IllegalArgumentException naming the property that is wrong
     */
    static RouteEntry parse(HttpRoute route, Map<String, ?> props, String bundle, long serviceId) {
        String prefix = normalisePrefix(string(props.get(HttpRoute.PREFIX)));
        String match = string(props.get(HttpRoute.MATCH));
        boolean exact;
        if (match == null || match.isBlank() || match.trim().equalsIgnoreCase(HttpRoute.MATCH_PREFIX)) {
            exact = false;
        } else if (match.trim().equalsIgnoreCase(HttpRoute.MATCH_EXACT)) {
            exact = true;
        } else {
            throw new IllegalArgumentException(HttpRoute.MATCH + " must be 'prefix' or 'exact', got '" + match + "'");
        }
        Set<HttpMethod> methods = new LinkedHashSet<>();
        for (String m : list(props.get(HttpRoute.METHODS))) {
            String upper = m.toUpperCase(Locale.ROOT);
            if (!upper.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
                throw new IllegalArgumentException(HttpRoute.METHODS + " holds an invalid method '" + m + "'");
            }
            methods.add(HttpMethod.valueOf(upper));
        }
        if (methods.isEmpty()) {
            methods.add(HttpMethod.GET);
        }
        CorsPolicy cors = null;
        List<String> origins = list(props.get(HttpRoute.CORS_ORIGINS));
        if (!origins.isEmpty()) {
            for (String origin : origins) {
                if (!origin.equals("*") && !origin.matches("[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s]+")) {
                    throw new IllegalArgumentException(HttpRoute.CORS_ORIGINS
                            + " must be '*' or origins like https://host[:port], got '" + origin + "'");
                }
            }
            cors = new CorsPolicy(origins,
                    headerList(props.get(HttpRoute.CORS_ALLOW_HEADERS), HttpRoute.DEFAULT_CORS_ALLOW_HEADERS),
                    headerList(props.get(HttpRoute.CORS_EXPOSE_HEADERS), HttpRoute.DEFAULT_CORS_EXPOSE_HEADERS));
        }
        String name = string(props.get(HttpRoute.NAME));
        if (name == null || name.isBlank()) {
            name = route.getClass().getSimpleName().isEmpty() ? route.getClass().getName() : route.getClass().getSimpleName();
        }
        int ranking = props.get("service.ranking") instanceof Integer r ? r : 0;
        return new RouteEntry(route, name.trim(), prefix, exact, methods, cors, bundle, serviceId, ranking,
                new RouteMetrics(), ConcurrentHashMap.newKeySet(), new AtomicBoolean());
    }

    /** The same route with new properties; keeps the counters and the requests in flight. */
    RouteEntry withPropertiesOf(RouteEntry parsed) {
        return new RouteEntry(route, parsed.name, parsed.prefix, parsed.exact, new LinkedHashSet<>(parsed.methods),
                parsed.cors, bundle, serviceId, parsed.ranking, metrics, inFlight, retired);
    }

    /** The route was unregistered: requests it has not answered get 503 (streams are cut). */
    void retire() {
        retired.set(true);
        for (Exchange ex : inFlight) {
            ex.routeGone();
        }
    }

    boolean isRetired() {
        return retired.get();
    }

    /** The part of {@code path} below the prefix when this route serves it, else null. */
    String match(String path) {
        if (exact) {
            return path.equals(prefix) ? "" : null;
        }
        if (prefix.equals("/")) {
            return path;
        }
        if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
            return path.substring(prefix.length());
        }
        return null;
    }

    boolean allows(HttpMethod method) {
        return methods.contains(method) || method.equals(HttpMethod.HEAD) && methods.contains(HttpMethod.GET);
    }

    RouteSnapshot snapshot() {
        List<String> methodNames = new ArrayList<>();
        methods.forEach(m -> methodNames.add(m.name()));
        return new RouteSnapshot(name, prefix, exact, methodNames, cors == null ? List.of() : cors.origins(), bundle,
                metrics.requests(), metrics.responsesByClass(), metrics.bytesOut(), inFlight.size());
    }

    @Override
    public String toString() {
        return name + " (" + (exact ? "exact " : "prefix ") + prefix + ", " + bundle + ")";
    }

    static String normalisePrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException(HttpRoute.PREFIX + " is required, e.g. \"/whep\"");
        }
        String p = prefix.trim();
        if (!p.startsWith("/") || p.contains("//") || p.contains("?") || p.contains("#")
                || Arrays.asList(p.split("/")).contains("..") || Arrays.asList(p.split("/")).contains(".")) {
            throw new IllegalArgumentException(HttpRoute.PREFIX + " must be an absolute path like \"/whep\", got '" + prefix + "'");
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static String string(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String[] array) {
            return array.length == 0 ? null : array[0];
        }
        return value.toString();
    }

    /** A property given as String (comma-separated), String[] or Collection, as trimmed non-empty items. */
    static List<String> list(Object value) {
        List<String> raw = new ArrayList<>();
        if (value instanceof String[] array) {
            raw.addAll(Arrays.asList(array));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(o -> raw.add(String.valueOf(o)));
        } else if (value != null) {
            raw.add(value.toString());
        }
        List<String> out = new ArrayList<>();
        for (String item : raw) {
            for (String part : item.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private static String headerList(Object value, String defaultValue) {
        return value == null ? defaultValue : String.join(", ", list(value));
    }
}
