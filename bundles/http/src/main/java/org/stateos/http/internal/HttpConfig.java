package org.stateos.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the HTTP server: etc/org.stateos.http.cfg. Every default works on a first boot. */
@ObjectClassDefinition(id = HttpConfig.PID, name = "StateOS HTTP server",
        description = "The node's one HTTP server: player pages, WHIP/WHEP, HLS, REST and status.")
public @interface HttpConfig {
    String PID = "org.stateos.http";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on.", min = "1", max = "65535")
    int port() default 8080;

    @AttributeDefinition(name = "Bind address", description = "Address to listen on; 0.0.0.0 for every IPv4 address, :: for every address.")
    String bind_address() default "0.0.0.0";

    @AttributeDefinition(name = "Maximum request body (bytes)",
            description = "Larger request bodies are refused with 413 before they are read into memory.", min = "0")
    int max_request_body_bytes() default 1_048_576;

    @AttributeDefinition(name = "Idle timeout (seconds)",
            description = "A connection with no request in progress and no traffic for this long is closed.", min = "1")
    int idle_timeout_seconds() default 60;

    @AttributeDefinition(name = "Maximum connections",
            description = "Open connections beyond this many are answered 503 and closed.", min = "1")
    int max_connections() default 2048;

    @AttributeDefinition(name = "Shutdown grace (milliseconds)",
            description = "On stop or reconfiguration, how long requests in progress may take to finish before their connections are closed.",
            min = "0")
    int shutdown_grace_millis() default 1000;
}
