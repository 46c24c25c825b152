package org.stateos.api.media;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One access unit of one track: a video picture or an audio frame.
 *
 * <p>Reference counting: a frame owns one reference to its payload and forwards {@link #retain()} and
 * {@link #release()} to it. Whoever receives a frame (a {@link Publication} from its ingest, a
 * {@link StreamSubscriber} from the registry) owns that reference and must release it exactly once. Fan-out
 * gives each subscriber a {@link #retainedDuplicate()}: same bytes, own reader index, own reference.
 *
 * <p>Times are ticks of {@link #TIMEBASE}. {@code dts} never decreases within a track between two
 * discontinuities; {@code pts >= dts}.
 */
public final class Frame implements ReferenceCounted {
    /** Ticks per second of {@link #dts()} and {@link #pts()}. */
    public static final int TIMEBASE = 90_000;

    /** A random access point: decoding can start here (an IDR picture; every audio frame). */
    public static final int KEYFRAME = 1;
    /** Frames before this one on its track were lost or skipped, or its timeline restarted. */
    public static final int DISCONTINUITY = 1 << 1;
    /** No other frame references it (e.g. a non-reference B or P picture): it may be dropped under load. */
    public static final int DROPPABLE = 1 << 2;

    private final int track;
    private final Codec codec;
    private final long dts;
    private final long pts;
    private final long ingestMicros;
    private final int flags;
    private final int configVersion;
    private final ByteBuf payload;

    /**
     * @param track         the track's index in its stream
     * @param codec         the track's codec (the payload is in its form: AVCC for H264, ...)
     * @param dts           decode time in {@link #TIMEBASE} ticks
     * @param pts           presentation time in {@link #TIMEBASE} ticks
     * @param ingestMicros  wall-clock time (UTC, microseconds since the epoch) it entered this node, or the
     *                      publisher's capture time where the protocol carries one
     * @param flags         {@link #KEYFRAME}, {@link #DISCONTINUITY}, {@link #DROPPABLE}
     * @param configVersion the {@link TrackConfig#version()} it needs
     * @param payload       the bytes; the frame takes over the caller's reference
     */
    public Frame(int track, Codec codec, long dts, long pts, long ingestMicros, int flags, int configVersion,
            ByteBuf payload) {
        this.track = track;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.dts = dts;
        this.pts = pts;
        this.ingestMicros = ingestMicros;
        this.flags = flags;
        this.configVersion = configVersion;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    public int track() {
        return track;
    }

    public Codec codec() {
        return codec;
    }

    public MediaKind kind() {
        return codec.kind();
    }

    public long dts() {
        return dts;
    }

    public long pts() {
        return pts;
    }

    /** Composition offset: {@code pts - dts}. */
    public long compositionOffset() {
        return pts - dts;
    }

    public long ingestMicros() {
        return ingestMicros;
    }

    public int flags() {
        return flags;
    }

    public boolean isKeyframe() {
        return (flags & KEYFRAME) != 0;
    }

    public boolean isDiscontinuity() {
        return (flags & DISCONTINUITY) != 0;
    }

    public boolean isDroppable() {
        return (flags & DROPPABLE) != 0;
    }

    public int configVersion() {
        return configVersion;
    }

    /** The payload; its readable bytes are the frame. Do not release it separately from the frame. */
    public ByteBuf payload() {
        return payload;
    }

    public int size() {
        return payload.readableBytes();
    }

    /** The same frame with other flags, sharing (and retaining) the payload. */
    public Frame withFlags(int newFlags) {
        return new Frame(track, codec, dts, pts, ingestMicros, newFlags, configVersion, payload.retainedDuplicate());
    }

    /** The same frame shifted in time, sharing (and retaining) the payload. */
    public Frame shifted(long ticks, int extraFlags) {
        return new Frame(track, codec, dts + ticks, pts + ticks, ingestMicros, flags | extraFlags, configVersion,
                payload.retainedDuplicate());
    }

    /** Another reference to the same bytes with its own reader index: what each subscriber gets. */
    public Frame retainedDuplicate() {
        return new Frame(track, codec, dts, pts, ingestMicros, flags, configVersion, payload.retainedDuplicate());
    }

    /** Converts {@link #TIMEBASE} ticks to microseconds. */
    public static long ticksToMicros(long ticks) {
        return Math.floorDiv(ticks * 100, 9);
    }

    /** Converts microseconds to {@link #TIMEBASE} ticks. */
    public static long microsToTicks(long micros) {
        return Math.floorDiv(micros * 9, 100);
    }

    /** Converts milliseconds (RTMP, FLV) to {@link #TIMEBASE} ticks. */
    public static long millisToTicks(long millis) {
        return millis * (TIMEBASE / 1000);
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public Frame retain() {
        payload.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        payload.touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        return "Frame[track=" + track + ", " + codec + ", dts=" + dts + ", pts=" + pts + ", " + size() + " B"
                + (isKeyframe() ? ", key" : "") + (isDiscontinuity() ? ", discontinuity" : "")
                + (isDroppable() ? ", droppable" : "") + ", config v" + configVersion + "]";
    }
}
