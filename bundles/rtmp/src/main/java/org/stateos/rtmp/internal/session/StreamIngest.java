package org.stateos.rtmp.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.Codec;
import org.stateos.api.media.Frame;
import org.stateos.api.media.Publication;
import org.stateos.api.media.TrackConfig;
import org.stateos.rtmp.internal.flv.AudioTag;
import org.stateos.rtmp.internal.flv.AudioTagParser;
import org.stateos.rtmp.internal.flv.Avcc;
import org.stateos.rtmp.internal.flv.FlvFormatException;
import org.stateos.rtmp.internal.flv.VideoTag;
import org.stateos.rtmp.internal.flv.VideoTagParser;

/**
 * Turns the FLV audio and video messages of one published stream into track configurations and frames of its
 * {@link Publication}: video is track 0, audio track 1; RTMP milliseconds (32 bits, unwrapped) become
 * {@link Frame#TIMEBASE} ticks with pts = dts + composition time; payloads are slices of the received buffers.
 *
 * <p>It watches what WebRTC viewers need and tells the publisher (once per stream) when the stream has B-frames
 * or keyframes further apart than {@link #MAX_KEYFRAME_INTERVAL_MS}, and when a codec cannot be ingested.
 * Not thread safe: the connection's event loop drives it.
 */
final class StreamIngest {
    private static final Logger LOG = LoggerFactory.getLogger(StreamIngest.class);
    static final int VIDEO_TRACK = 0;
    static final int AUDIO_TRACK = 1;
    static final long MAX_KEYFRAME_INTERVAL_MS = 4000;
    static final String WARNING = "NetStream.Publish.Warning";
    static final String UNSUPPORTED = "NetStream.Publish.UnsupportedCodec";
    static final String B_FRAMES_ADVICE = "B-frames detected: WebRTC viewers cannot show reordered frames smoothly;"
            + " set 'Profile: baseline' or bframes=0 (OBS: Settings > Output > Advanced, x264 options"
            + " 'bframes=0'); keyframe interval 2 s recommended";

    private final Publication publication;
    private final IngestEvents events;
    private final String name;
    private final LongSupplier wallMicros;
    private final ByteBufAllocator alloc;
    private final Track video = new Track(VIDEO_TRACK);
    private final Track audio = new Track(AUDIO_TRACK);
    private final Set<String> reported = new HashSet<>();
    private boolean bFramesSeen;
    private boolean longGopReported;
    private long lastKeyframeMs = Long.MIN_VALUE;
    private long frames;
    // from onMetaData, for rtmp:sessions and the log
    private volatile String metadata = "";

    /** Per-track state. */
    private static final class Track {
        final int index;
        final TimestampUnwrapper clock = new TimestampUnwrapper();
        TrackConfig config;
        int nalLengthSize = 4;
        long lastDts = Long.MIN_VALUE;
        boolean needsDiscontinuity;

        Track(int index) {
            this.index = index;
        }
    }

    StreamIngest(Publication publication, IngestEvents events, LongSupplier wallMicros, ByteBufAllocator alloc) {
        this.publication = publication;
        this.events = events;
        this.name = publication.streamName();
        this.wallMicros = wallMicros;
        this.alloc = alloc;
    }

    long frames() {
        return frames;
    }

    String metadata() {
        return metadata;
    }

    boolean bFramesSeen() {
        return bFramesSeen;
    }

    /** onMetaData: keeps width, height, frame rate and codec ids for operators. */
    void metadata(Map<?, ?> meta) {
        StringBuilder sb = new StringBuilder();
        Object w = meta.get("width");
        Object h = meta.get("height");
        if (w instanceof Number wn && h instanceof Number hn) {
            sb.append(wn.intValue()).append('x').append(hn.intValue());
        }
        Object fps = meta.get("framerate");
        if (fps instanceof Number f) {
            sb.append(sb.length() > 0 ? " " : "").append(String.format("%.2f fps", f.doubleValue()));
        }
        metadata = sb.toString();
        LOG.info("RTMP stream {}: metadata {}", name, meta);
    }

    /**
     * One video message. Reads {@code payload} without taking over its reference: frames get retained slices.
     *
     * @throws FlvFormatException when the tag is malformed (the connection should end)
     */
    void video(long rtmpTimestamp, ByteBuf payload) throws FlvFormatException {
        VideoTag tag = VideoTagParser.parse(payload, video.nalLengthSize);
        long ms = video.clock.unwrap(rtmpTimestamp);
        long now = wallMicros.getAsLong();
        if (tag instanceof VideoTag.Config c) {
            byte[] record = new byte[c.length()];
            payload.getBytes(payload.readerIndex() + c.offset(), record);
            video.nalLengthSize = c.nalLengthSize() == 0 ? 4 : c.nalLengthSize();
            configure(video, new TrackConfig(VIDEO_TRACK, c.codec(), 1, record, c.width(), c.height(), 0, 0, now));
            if (!c.codec().webRtcNative()) {
                reportOnce("transcode:" + c.codec(), "status", WARNING, c.codec()
                        + " video is accepted and will be transcoded for WebRTC viewers (costs CPU on this node);"
                        + " H.264 plays without transcoding");
            }
        } else if (tag instanceof VideoTag.Coded f) {
            if (!configured(video, f.codec())) {
                return;
            }
            int cts = f.compositionTime();
            if (cts != 0 && !bFramesSeen) {
                bFramesSeen = true;
                LOG.warn("RTMP stream {}: {}", name, B_FRAMES_ADVICE);
                events.status("warning", WARNING, B_FRAMES_ADVICE);
            }
            if (cts < 0) {
                reportOnce("negative-cts", "warning", WARNING,
                        "negative composition time " + cts + " ms; presentation time clamped to decode time");
                cts = 0;
            }
            checkGop(ms, f.keyframe());
            ByteBuf body;
            if (video.nalLengthSize == 4 || f.codec() == Codec.AV1) {
                body = payload.retainedSlice(payload.readerIndex() + f.offset(), f.length());
            } else {
                body = Avcc.toFourByteLengths(payload, payload.readerIndex() + f.offset(), f.length(),
                        video.nalLengthSize, alloc);
            }
            int flags = (f.keyframe() ? Frame.KEYFRAME : 0) | (f.droppable() ? Frame.DROPPABLE : 0);
            emit(video, f.codec(), ms, ms + cts, now, flags, body);
        } else if (tag instanceof VideoTag.EndOfSequence) {
            LOG.info("RTMP stream {}: video end of sequence", name);
        } else if (tag instanceof VideoTag.Unsupported u) {
            unsupported(u.what());
        } else if (tag instanceof VideoTag.Skipped s) {
            LOG.debug("RTMP stream {}: video skipped: {}", name, s.why());
        }
    }

    /** One audio message; like {@link #video}. */
    void audio(long rtmpTimestamp, ByteBuf payload) throws FlvFormatException {
        AudioTag tag = AudioTagParser.parse(payload);
        long ms = audio.clock.unwrap(rtmpTimestamp);
        long now = wallMicros.getAsLong();
        if (tag instanceof AudioTag.Config c) {
            byte[] record = new byte[c.length()];
            payload.getBytes(payload.readerIndex() + c.offset(), record);
            configure(audio, new TrackConfig(AUDIO_TRACK, c.codec(), 1, record, 0, 0, c.sampleRate(), c.channels(),
                    now));
        } else if (tag instanceof AudioTag.Coded f) {
            if (!configured(audio, f.codec())) {
                return;
            }
            ByteBuf body = payload.retainedSlice(payload.readerIndex() + f.offset(), f.length());
            emit(audio, f.codec(), ms, ms, now, Frame.KEYFRAME, body);
        } else if (tag instanceof AudioTag.Unsupported u) {
            unsupported(u.what());
        } else if (tag instanceof AudioTag.Skipped s) {
            LOG.debug("RTMP stream {}: audio skipped: {}", name, s.why());
        }
    }

    private void configure(Track track, TrackConfig proposed) {
        TrackConfig current = track.config;
        if (current != null && current.sameSetup(proposed)) {
            return; // encoders repeat their sequence header; nothing changed
        }
        TrackConfig next = current == null ? proposed : proposed.withVersion(current.version() + 1);
        if (current != null && current.codec() != next.codec()) {
            track.needsDiscontinuity = true;
        }
        track.config = next;
        LOG.info("RTMP stream {}: {}", name, next);
        publication.track(next);
    }

    private boolean configured(Track track, Codec codec) {
        if (track.config == null || track.config.codec() != codec) {
            reportOnce("noconfig:" + track.index + codec, "warning", WARNING, codec + " "
                    + (track.index == VIDEO_TRACK ? "video" : "audio")
                    + " frames before their sequence header are dropped until one arrives");
            return false;
        }
        return true;
    }

    private void emit(Track track, Codec codec, long dtsMs, long ptsMs, long now, int flags, ByteBuf body) {
        long dts = Frame.millisToTicks(dtsMs);
        if (track.lastDts != Long.MIN_VALUE && dts < track.lastDts) {
            LOG.info("RTMP stream {}: track {} timestamp went back {} ms; marked as a discontinuity", name,
                    track.index, (track.lastDts - dts) / 90);
            track.needsDiscontinuity = true;
        }
        if (track.needsDiscontinuity) {
            flags |= Frame.DISCONTINUITY;
            track.needsDiscontinuity = false;
        }
        track.lastDts = dts;
        frames++;
        publication.frame(new Frame(track.index, codec, dts, Frame.millisToTicks(ptsMs), now, flags,
                track.config.version(), body));
    }

    /** Warns once when keyframes come (or have not come for) more than 4 s apart. */
    private void checkGop(long ms, boolean keyframe) {
        if (lastKeyframeMs != Long.MIN_VALUE) {
            long interval = ms - lastKeyframeMs;
            if (interval > MAX_KEYFRAME_INTERVAL_MS && !longGopReported) {
                longGopReported = true;
                String text = "keyframes more than " + MAX_KEYFRAME_INTERVAL_MS / 1000 + " s apart: new WebRTC"
                        + " viewers wait that long for a picture; set the keyframe interval to 2 s"
                        + " (OBS: Settings > Output > Keyframe Interval 2; ffmpeg: -g <2 x fps>)";
                LOG.warn("RTMP stream {}: {}", name, text);
                events.status("warning", WARNING, text);
            }
        }
        if (keyframe) {
            lastKeyframeMs = ms;
        }
    }

    private void unsupported(String what) {
        reportOnce("unsupported:" + what, "warning", UNSUPPORTED, what + " cannot be ingested by this node;"
                + " its packets are dropped. Use H.264 (or HEVC/AV1) video and AAC audio");
    }

    private void reportOnce(String key, String level, String code, String text) {
        if (reported.add(key)) {
            LOG.warn("RTMP stream {}: {}", name, text);
            events.status(level, code, text);
        }
    }
}
