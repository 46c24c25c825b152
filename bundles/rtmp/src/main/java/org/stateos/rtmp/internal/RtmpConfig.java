package org.stateos.rtmp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the RTMP ingest: etc/org.stateos.rtmp.cfg. Every default works on a first boot. */
@ObjectClassDefinition(id = RtmpConfig.PID, name = "StateOS RTMP ingest",
        description = "RTMP server that OBS, ffmpeg and encoders publish live streams to.")
public @interface RtmpConfig {
    String PID = "org.stateos.rtmp";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on.", min = "1", max = "65535")
    int port() default 1935;

    @AttributeDefinition(name = "Bind address",
            description = "Address to listen on; 0.0.0.0 for every IPv4 address, :: for every address.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Application",
            description = "The application part of the URL publishers use: rtmp://<node>/<application>.")
    String application() default "live";

    @AttributeDefinition(name = "Allowed stream keys",
            description = "Stream keys (= stream names) that may publish; empty: any valid name may publish.")
    String[] allowedKeys() default {};

    @AttributeDefinition(name = "Chunk size (bytes)",
            description = "Chunk size this server sends with (announced with Set Chunk Size).", min = "128",
            max = "65536")
    int chunkSize() default 4096;

    @AttributeDefinition(name = "Maximum message size (bytes)",
            description = "Larger RTMP messages (e.g. a video picture) close the connection.", min = "4096",
            max = "16777215")
    int maxMessageSize() default 8 * 1024 * 1024;

    @AttributeDefinition(name = "Acknowledgement window (bytes)",
            description = "Window Acknowledgement Size announced to publishers.", min = "4096")
    int ackWindow() default 2_500_000;

    @AttributeDefinition(name = "Idle timeout (seconds)",
            description = "A connection that sends nothing for this long is closed.", min = "1")
    int idleTimeoutSeconds() default 30;

    @AttributeDefinition(name = "Maximum connections",
            description = "Connections beyond this many are closed at once.", min = "1")
    int maxConnections() default 256;
}
