package org.stateos.media.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/org.stateos.media.cfg. Every key is optional; the defaults work on a first boot. */
@ObjectClassDefinition(id = MediaConfig.PID, name = "StateOS media",
        description = "Stream registry, fan-out queues, GOP cache and DVR recording")
public @interface MediaConfig {
    String PID = "org.stateos.media";

    @AttributeDefinition(name = "Takeover after silence (ms)",
            description = "A second publisher of a live name takes over once the current one has sent nothing this long")
    long takeover_silence_ms() default 3000;

    @AttributeDefinition(name = "Grace period (ms)",
            description = "After its publisher leaves, a stream keeps its viewers this long, waiting for a publisher")
    long grace_ms() default 10_000;

    @AttributeDefinition(name = "Subscriber queue (frames)",
            description = "Frames queued for one viewer; beyond, its queue is dropped and it resumes at the next keyframe")
    int subscriber_queue_max_frames() default 1000;

    @AttributeDefinition(name = "Subscriber queue (bytes)", description = "... or this many payload bytes")
    long subscriber_queue_max_bytes() default 16L << 20;

    @AttributeDefinition(name = "GOP cache (bytes)",
            description = "Frames since the latest video keyframe kept for new viewers; at most half the subscriber queue")
    long gop_cache_max_bytes() default 8L << 20;

    @AttributeDefinition(name = "Rate window (ms)", description = "Bitrate and frame rate are averaged over this window")
    long rate_window_ms() default 5000;

    @AttributeDefinition(name = "Record to the store", description = "CMAF fragments of every stream into the unit store (DVR)")
    boolean recording_enabled() default true;

    @AttributeDefinition(name = "DVR window (s)", description = "Recordings are kept at least this long (store retention DVR)")
    long recording_dvr_window_seconds() default 3600;

    @AttributeDefinition(name = "Store writes in flight",
            description = "Most fragment writes pending per stream; beyond, fragments are dropped (logged), never blocking the ingest")
    int recording_max_in_flight() default 8;
}
