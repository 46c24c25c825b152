package org.stateos.rtmp.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server's settings, checked; built from {@link RtmpConfig} in the container and directly by tests.
 *
 * @param allowedKeys empty: any valid stream name may publish
 */
public record RtmpSettings(String bindAddress, int port, String application, Set<String> allowedKeys,
        int chunkSize, int maxMessageSize, int ackWindow, int idleTimeoutSeconds, int maxConnections,
        long handshakeTimeoutMillis) {

    public RtmpSettings {
        allowedKeys = Set.copyOf(allowedKeys);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (chunkSize < 128 || chunkSize > 65536) {
            throw new IllegalArgumentException("chunkSize must be 128..65536: " + chunkSize);
        }
        if (maxMessageSize < 4096 || maxMessageSize > 0xFFFFFF) {
            throw new IllegalArgumentException("maxMessageSize must be 4096..16777215: " + maxMessageSize);
        }
        if (ackWindow < 4096) {
            throw new IllegalArgumentException("ackWindow must be at least 4096: " + ackWindow);
        }
        if (application == null || application.isBlank()) {
            throw new IllegalArgumentException("application must not be empty");
        }
    }

    public static RtmpSettings from(RtmpConfig c) {
        Set<String> keys = c.allowedKeys() == null ? Set.of()
                : Arrays.stream(c.allowedKeys()).flatMap(k -> Arrays.stream(k.split(",")))
                        .map(String::trim).filter(k -> !k.isEmpty()).collect(Collectors.toSet());
        return new RtmpSettings(c.bindAddress(), c.port(), c.application(), keys, c.chunkSize(), c.maxMessageSize(),
                c.ackWindow(), c.idleTimeoutSeconds(), c.maxConnections(), 10_000);
    }

    /** Settings for tests: loopback, an ephemeral port, defaults otherwise. */
    public static RtmpSettings loopback(Set<String> allowedKeys) {
        return new RtmpSettings("127.0.0.1", 0, "live", allowedKeys, 4096, 8 * 1024 * 1024, 2_500_000, 30, 64,
                10_000);
    }
}
