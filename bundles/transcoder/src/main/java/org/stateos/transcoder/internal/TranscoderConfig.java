package org.stateos.transcoder.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

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

    @AttributeDefinition(description = "Where FFmpeg runs: 'process' = one codec worker JVM for all transcodes, "
            + "supervised and restarted, so a crash inside FFmpeg never takes the node down; 'in-process' = inside the "
            + "node's JVM (no copy per frame, but a native crash ends the node)",
            options = {@Option(value = "process", label = "process"), @Option(value = "in-process", label = "in-process")})
    String isolation() default "process";

    @AttributeDefinition(description = "The codec worker JVM's options, space separated. Only these, each with a "
            + "valid value: -Xmx -Xms -Xmn -Xss, -XX:MaxDirectMemorySize= -XX:MetaspaceSize= -XX:MaxMetaspaceSize= "
            + "-XX:ReservedCodeCacheSize= (sizes), -XX:+/-UseSerialGC/UseParallelGC/UseG1GC, -XX:MaxGCPauseMillis= "
            + "-XX:ParallelGCThreads= -XX:ConcGCThreads= -XX:CICompilerCount= -XX:ActiveProcessorCount= (numbers), "
            + "-XX:TieredStopAtLevel= (0-4), -XX:+/-TieredCompilation, -XX:+/-PreserveFramePointer, "
            + "-XX:+/-AlwaysPreTouch, -Dfile.encoding=; anything else is refused (see the transcoder README)")
    String worker_jvm_options() default "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    @AttributeDefinition(description = "First delay before a dead codec worker is started again, milliseconds; "
            + "doubles per crash up to worker.restart.max.ms")
    int worker_restart_initial_ms() default 200;

    @AttributeDefinition(description = "Longest delay before a dead codec worker is started again, milliseconds")
    int worker_restart_max_ms() default 10_000;

    @AttributeDefinition(description = "A codec worker that ran this long before it died restarts after the first "
            + "delay again, milliseconds")
    int worker_healthy_ms() default 60_000;

    @AttributeDefinition(description = "A codec worker that has not read its input for this long is killed as "
            + "hung (and restarted), milliseconds")
    int worker_stall_ms() default 5_000;

    @AttributeDefinition(description = "A transcode whose audio was in this many codec workers in a row that each "
            + "died within worker.healthy.ms is stopped as FAILED (its input is taken to crash FFmpeg), so the other "
            + "streams keep their audio")
    int worker_max_crashes() default 3;

    @AttributeDefinition(description = "A codec worker that has not said READY this long after its JVM started is "
            + "killed as hung in its start and counts as a young death for every transcode waiting for it "
            + "(worker.max.crashes, the restart delays), milliseconds (at least 1000)")
    int worker_start_ms() default 30_000;
}
