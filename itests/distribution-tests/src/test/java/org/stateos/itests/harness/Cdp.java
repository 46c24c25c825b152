package org.stateos.itests.harness;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Chrome DevTools Protocol client on one target's websocket (the JDK's WebSocket and Gson,
 * nothing else): sends commands, matches answers by id, and keeps the page's console messages,
 * uncaught exceptions and log entries as a transcript.
 */
public final class Cdp implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<String> transcript = new ArrayList<>();

    private Cdp(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to a DevTools websocket (ws://127.0.0.1:port/devtools/page/...). */
    public static Cdp connect(String webSocketUrl) {
        Listener listener = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(webSocketUrl), listener)
                .join();
        Cdp cdp = new Cdp(ws);
        listener.cdp = cdp;
        return cdp;
    }

    /** Sends {@code method} with {@code params} and returns its "result", or throws with the protocol's error. */
    public JsonObject send(String method, JsonObject params) {
        int id = ids.incrementAndGet();
        JsonObject message = new JsonObject();
        message.addProperty("id", id);
        message.addProperty("method", method);
        message.add("params", params == null ? new JsonObject() : params);
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (socket) {
                socket.sendText(message.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            JsonObject reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException("CDP " + method + " failed: " + reply.get("error"));
            }
            return reply.has("result") ? reply.getAsJsonObject("result") : new JsonObject();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in CDP " + method, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no answer to CDP " + method + " in " + COMMAND_TIMEOUT.toSeconds() + " s", e);
        } finally {
            pending.remove(id);
        }
    }

    public JsonObject send(String method) {
        return send(method, null);
    }

    /**
     * Runtime.evaluate with returnByValue (and awaitPromise): the expression's value as JSON, JSON null
     * for undefined; throws when the expression threw.
     */
    public JsonElement evaluate(String expression) {
        JsonObject params = new JsonObject();
        params.addProperty("expression", expression);
        params.addProperty("returnByValue", true);
        params.addProperty("awaitPromise", true);
        JsonObject result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page threw evaluating " + expression + ": " + result.get("exceptionDetails"));
        }
        JsonObject remote = result.getAsJsonObject("result");
        return remote != null && remote.has("value") ? remote.get("value") : com.google.gson.JsonNull.INSTANCE;
    }

    /** What the page said: console calls, uncaught exceptions, log entries, in order, with a timestamp. */
    public String transcript() {
        synchronized (transcript) {
            return String.join("\n", transcript);
        }
    }

    private void onMessage(String text) {
        JsonObject message;
        try {
            message = JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            note("unparsable CDP message: " + text);
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonObject> answer = pending.get(message.get("id").getAsInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        String method = message.has("method") ? message.get("method").getAsString() : "";
        JsonObject params = message.has("params") ? message.getAsJsonObject("params") : new JsonObject();
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                StringBuilder line = new StringBuilder("console." + params.get("type").getAsString() + ":");
                for (JsonElement arg : params.getAsJsonArray("args")) {
                    JsonObject a = arg.getAsJsonObject();
                    line.append(' ').append(a.has("value") ? a.get("value").toString()
                            : a.has("description") ? a.get("description").getAsString() : a.get("type").getAsString());
                }
                note(line.toString());
            }
            case "Runtime.exceptionThrown" -> {
                JsonObject details = params.getAsJsonObject("exceptionDetails");
                JsonObject exception = details.getAsJsonObject("exception");
                note("uncaught: " + (exception != null && exception.has("description")
                        ? exception.get("description").getAsString() : details.get("text").getAsString()));
            }
            case "Log.entryAdded" -> {
                JsonObject entry = params.getAsJsonObject("entry");
                note("log." + entry.get("level").getAsString() + " [" + entry.get("source").getAsString() + "] "
                        + entry.get("text").getAsString() + (entry.has("url") ? " (" + entry.get("url").getAsString() + ")" : ""));
            }
            case "Inspector.detached", "Inspector.targetCrashed" -> note(method + " " + params);
            default -> {
                // other events are not needed
            }
        }
    }

    private void note(String line) {
        synchronized (transcript) {
            transcript.add(Instant.now() + " " + line);
        }
    }

    @Override
    public void close() {
        socket.abort();
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("CDP connection closed")));
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile Cdp cdp;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                Cdp target = cdp;
                if (target != null) {
                    target.onMessage(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            Cdp target = cdp;
            if (target != null) {
                target.note("CDP websocket error: " + error);
                target.pending.values().forEach(f -> f.completeExceptionally(error));
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            Cdp target = cdp;
            if (target != null) {
                target.note("CDP websocket closed: " + statusCode + " " + reason);
                target.pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("CDP closed")));
            }
            return null;
        }
    }
}
