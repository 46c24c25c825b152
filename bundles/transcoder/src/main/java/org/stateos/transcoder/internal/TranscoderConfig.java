package org.stateos.transcoder.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/org.stateos.transcoder.cfg */
@ObjectClassDefinition(name = "StateOS transcoder", description = "AAC to Opus for WebRTC viewers, on demand")
public @interface TranscoderConfig {
    @AttributeDefinition(description = "Opus bit rate for stereo sources, bits per second")
    int opus_bitrate_stereo_bps() default 64_000;

    @AttributeDefinition(description = "Opus bit rate for mono sources, bits per second")
    int opus_bitrate_mono_bps() default 32_000;

    @AttributeDefinition(description = "How long a transcode runs on after its last viewer left, milliseconds "
            + "(a viewer that reloads the page finds it still running)")
    int stop_grace_ms() default 5_000;

    @AttributeDefinition(description = "Codec threads shared by all transcodes (one AAC->Opus stream takes "
            + "about 1% of a core)")
    int threads() default 1;

    @AttributeDefinition(description = "AAC access units in a row that fail to decode before the transcode stops "
            + "as broken (25 = about half a second)")
    int max_consecutive_errors() default 25;

    @AttributeDefinition(description = "Transcodes running at once at most; more requests are refused")
    int max_transcodes() default 64;

    @AttributeDefinition(description = "Opus packets leave 20 ms apart at the time their audio entered the node "
            + "plus this many milliseconds (the transcode's own latency), so bursty input reaches the browser smooth")
    int pace_delay_ms() default 40;

    @AttributeDefinition(description = "Opus packets ready longer than this after their audio entered the node are "
            + "dropped, not sent late (a starting transcode's cached input, a stalled codec thread); a packet later "
            + "than the pacing line by more than this starts a new line; 0 turns both off")
    int pace_max_late_ms() default 200;

    @AttributeDefinition(description = "Load FFmpeg's natives on a codec thread when the transcoder starts, so the "
            + "first viewer of a stream with AAC does not wait seconds for them (costs their memory from boot on)")
    boolean preload_natives() default true;
}
