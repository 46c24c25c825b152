package org.stateos.loadclient;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Janus's HTTP API (https://janus.conf.meetecho.com/docs/rest.html) for the streaming plugin, one Janus session
 * per viewer as a browser has: create, attach janus.plugin.streaming, {@code watch} the mountpoint, long-poll the
 * session for the event that carries Janus's offer; once the viewer's channel is connected, {@code start} with
 * our answer; a keepalive per session every 25 s (Janus reclaims a silent session after session_timeout);
 * destroy at the end.
 */
public final class JanusSignalling implements Signalling, AutoCloseable {
    static final long KEEPALIVE_SECONDS = 25;
    /** Long polls the offer event may take: Janus answers a poll with nothing after 30 s. */
    static final int MAX_POLLS = 3;

    /** One viewer's Janus session and plugin handle, and the mid Janus gave the video section. */
    record Session(long session, long handle, String mid) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final int mountpoint;
    private final AtomicLong transactions = new AtomicLong();
    private final Set<Long> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "janus-keepalive");
        t.setDaemon(true);
        return t;
    });

    /** @param base the API root, e.g. http://127.0.0.1:8088/janus */
    public JanusSignalling(URI base, int mountpoint) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.mountpoint = mountpoint;
        keepalive.scheduleAtFixedRate(this::keepAll, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public String host() {
        return base.getHost();
    }

    @Override
    public Remote open(Local local) throws Exception {
        long session = data(post(base, request("create"))).get("id").getAsLong();
        live.add(session);
        try {
            JsonObject attach = request("attach");
            attach.addProperty("plugin", "janus.plugin.streaming");
            long handle = data(post(at(session), attach)).get("id").getAsLong();
            JsonObject watch = request("message");
            JsonObject body = new JsonObject();
            body.addProperty("request", "watch");
            body.addProperty("id", mountpoint);
            watch.add("body", body);
            expectAck(post(at(session, handle), watch));
            String offer = awaitOffer(session);
            return new Remote(Answer.parse(offer), new Session(session, handle, JanusAnswer.firstMid(offer)));
        } catch (Exception e) {
            destroy(session);
            throw e;
        }
    }

    @Override
    public void connected(Remote remote, Local local, InetSocketAddress localAddress) throws Exception {
        Session s = (Session) remote.session();
        JsonObject start = request("message");
        JsonObject body = new JsonObject();
        body.addProperty("request", "start");
        start.add("body", body);
        JsonObject jsep = new JsonObject();
        jsep.addProperty("type", "answer");
        jsep.addProperty("sdp", JanusAnswer.build(remote.description(), s.mid(), local, localAddress));
        // Half-trickle is Janus's default: without this it waits for a trickle "completed" before ICE may succeed.
        jsep.addProperty("trickle", false);
        start.add("jsep", jsep);
        expectAck(post(at(s.session(), s.handle()), start));
    }

    @Override
    public int close(Remote remote) {
        return destroy(((Session) remote.session()).session());
    }

    @Override
    public void close() {
        keepalive.shutdownNow();
    }

    private int destroy(long session) {
        live.remove(session);
        try {
            JsonObject r = post(at(session), request("destroy"));
            return "success".equals(str(r, "janus")) ? 200 : 500;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void keepAll() {
        for (long s : live) {
            try {
                post(at(s), request("keepalive"));
            } catch (IOException e) {
                // the next round tries again; Janus allows session_timeout (60 s)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Long-polls the session until an event carries a jsep offer; a hangup or error ends the wait. */
    private String awaitOffer(long session) throws IOException, InterruptedException {
        for (int i = 0; i < MAX_POLLS; i++) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(at(session) + "?maxev=10")).timeout(Duration.ofSeconds(40))
                    .GET().build();
            String text = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            String offer = offerIn(JsonParser.parseString(text));
            if (offer != null) {
                return offer;
            }
        }
        throw new IOException("Janus sent no offer for mountpoint " + mountpoint + " in " + MAX_POLLS + " long polls");
    }

    /** The sdp of the first jsep offer among the events (an object or an array of them); null if none. */
    static String offerIn(JsonElement events) throws IOException {
        JsonArray list = new JsonArray();
        if (events.isJsonArray()) {
            list = events.getAsJsonArray();
        } else if (events.isJsonObject()) {
            list.add(events);
        }
        for (JsonElement e : list) {
            JsonObject o = e.getAsJsonObject();
            String type = str(o, "janus");
            if ("hangup".equals(type) || "error".equals(type) || "detached".equals(type)) {
                throw new IOException("Janus: " + o);
            }
            JsonObject pd = o.has("plugindata") ? o.getAsJsonObject("plugindata").getAsJsonObject("data") : null;
            if (pd != null && pd.has("error")) {
                throw new IOException("Janus streaming plugin: " + pd.get("error").getAsString());
            }
            if (o.has("jsep") && "offer".equals(str(o.getAsJsonObject("jsep"), "type"))) {
                return o.getAsJsonObject("jsep").get("sdp").getAsString();
            }
        }
        return null;
    }

    private JsonObject request(String janus) {
        JsonObject o = new JsonObject();
        o.addProperty("janus", janus);
        o.addProperty("transaction", "t" + transactions.incrementAndGet());
        return o;
    }

    private JsonObject post(URI uri, JsonObject body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("Janus " + uri + " answered " + r.statusCode() + ": " + r.body().strip());
        }
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static JsonObject data(JsonObject r) throws IOException {
        if (!"success".equals(str(r, "janus")) || !r.has("data")) {
            throw new IOException("Janus: " + r);
        }
        return r.getAsJsonObject("data");
    }

    static void expectAck(JsonObject r) throws IOException {
        String t = str(r, "janus");
        if (!"ack".equals(t) && !"success".equals(t)) {
            throw new IOException("Janus: " + r);
        }
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && o.get(k).isJsonPrimitive() ? o.get(k).getAsString() : null;
    }

    private URI at(long session) {
        return URI.create(base + "/" + session);
    }

    private URI at(long session, long handle) {
        return URI.create(base + "/" + session + "/" + handle);
    }
}
