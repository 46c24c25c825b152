package org.stateos.http.internal;

import java.time.Duration;
import java.util.Objects;

/** The server's settings, checked; built from {@link HttpConfig} or directly by tests. */
public record HttpServerSettings(
        String bindAddress,
        int port,
        int maxRequestBodyBytes,
        Duration idleTimeout,
        int maxConnections,
        Duration shutdownGrace) {

    public HttpServerSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("max.request.body.bytes must be >= 0, got " + maxRequestBodyBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max.connections must be >= 1, got " + maxConnections);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown grace must be >= 0, got " + shutdownGrace);
        }
    }

    public static HttpServerSettings from(HttpConfig config) {
        return new HttpServerSettings(config.bind_address().trim(), config.port(), config.max_request_body_bytes(),
                Duration.ofSeconds(config.idle_timeout_seconds()), config.max_connections(),
                Duration.ofMillis(config.shutdown_grace_millis()));
    }

    public HttpServerSettings withPort(int newPort) {
        return new HttpServerSettings(bindAddress, newPort, maxRequestBodyBytes, idleTimeout, maxConnections, shutdownGrace);
    }
}
