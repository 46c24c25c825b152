package org.stateos.http.internal.status;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.stateos.api.node.NodeStatus;

/** The JSON form of a {@link NodeStatus}, as served at /api/status and rendered by the status page. */
final class StatusJson {
    /** Gson escapes &lt; &gt; &amp; ' = by default, so the JSON is also safe inside HTML. */
    static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().create();

    private StatusJson() {}

    static JsonObject of(NodeStatus s) {
        JsonObject o = new JsonObject();
        o.addProperty("nodeId", s.nodeId() == null ? null : s.nodeId().toHex());
        o.addProperty("firmwareVersion", s.firmwareVersion());
        o.addProperty("startedAt", s.startedAt() == null ? null : s.startedAt().toString());
        o.addProperty("uptimeSeconds", s.uptime() == null ? null : s.uptime().toSeconds());
        JsonObject bundles = new JsonObject();
        for (Map.Entry<String, Integer> e : new TreeMap<>(s.bundlesByState()).entrySet()) {
            bundles.addProperty(e.getKey(), e.getValue());
        }
        o.add("bundlesByState", bundles);
        if (s.trust() == null) {
            o.add("trust", JsonNull.INSTANCE);
        } else {
            JsonObject trust = new JsonObject();
            trust.addProperty("trusted", s.trust().trusted());
            trust.addProperty("refused", s.trust().refused());
            trust.addProperty("anchorSubject", s.trust().anchorSubject());
            o.add("trust", trust);
        }
        JsonArray listening = new JsonArray();
        s.listening().forEach(listening::add);
        o.add("listening", listening);
        return o;
    }

    static JsonObject error(String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        return o;
    }
}
