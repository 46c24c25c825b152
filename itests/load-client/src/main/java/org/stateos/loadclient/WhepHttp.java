package org.stateos.loadclient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** WHEP signalling over HTTP/1.1: POST the offer (201 + answer + Location), DELETE the session at the end. */
public final class WhepHttp {
    /** A created session: its answer and absolute session URL. */
    public record Created(String answer, URI location) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;

    public WhepHttp(URI url) {
        this.url = url;
    }

    public URI url() {
        return url;
    }

    public Created post(String offer) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("POST " + url + " answered " + r.statusCode() + ": " + r.body().strip());
        }
        String location = r.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("201 without a Location header"));
        return new Created(r.body(), url.resolve(location));
    }

    /** DELETEs the session; returns the status (200 expected), or -1 when the request failed. */
    public int delete(URI session) {
        try {
            HttpRequest req = HttpRequest.newBuilder(session).timeout(Duration.ofSeconds(10)).DELETE().build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
