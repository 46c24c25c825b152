package org.stateos.media.internal.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

import org.stateos.api.media.MediaKind;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.TrackConfig;
import org.stateos.store.Coverage;
import org.stateos.store.TimeSpan;

/** The JSON of /api/streams, the coverage route and media:streams --json. */
public final class StreamsJson {
    public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private StreamsJson() {}

    public static JsonObject streams(List<StreamInfo> streams) {
        JsonArray a = new JsonArray();
        streams.forEach(s -> a.add(stream(s)));
        JsonObject o = new JsonObject();
        o.add("streams", a);
        return o;
    }

    public static JsonObject stream(StreamInfo s) {
        JsonObject o = new JsonObject();
        o.addProperty("name", s.name());
        o.addProperty("state", s.state().name());
        o.addProperty("origin", s.origin());
        o.addProperty("since", s.since().toString());
        o.addProperty("viewers", s.viewers());
        o.addProperty("bitrateBps", s.bitrateBps());
        o.addProperty("frames", s.frames());
        o.addProperty("droppedFrames", s.droppedFrames());
        JsonArray tracks = new JsonArray();
        for (StreamInfo.TrackInfo t : s.tracks()) {
            TrackConfig c = t.config();
            JsonObject j = new JsonObject();
            j.addProperty("index", c.track());
            j.addProperty("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            j.addProperty("codec", c.codec().name());
            if (c.kind() == MediaKind.VIDEO) {
                j.addProperty("width", c.width());
                j.addProperty("height", c.height());
            } else {
                j.addProperty("sampleRate", c.sampleRate());
                j.addProperty("channels", c.channels());
            }
            j.addProperty("bitrateBps", t.bitrateBps());
            j.addProperty("frameRate", Math.round(t.frameRate() * 100) / 100.0);
            j.addProperty("webRtcNative", c.codec().webRtcNative());
            tracks.add(j);
        }
        o.add("tracks", tracks);
        return o;
    }

    public static JsonObject coverage(String stream, int track, Coverage c) {
        JsonObject o = new JsonObject();
        o.addProperty("stream", stream);
        o.addProperty("track", track);
        o.addProperty("from", c.asked().startMicros());
        o.addProperty("to", c.asked().endMicros());
        o.addProperty("complete", c.complete());
        o.addProperty("coveredMicros", c.coveredMicros());
        o.add("covered", spans(c.covered()));
        o.add("gaps", spans(c.gaps()));
        return o;
    }

    private static JsonArray spans(List<TimeSpan> spans) {
        JsonArray a = new JsonArray();
        for (TimeSpan s : spans) {
            JsonArray p = new JsonArray();
            p.add(s.startMicros());
            p.add(s.endMicros());
            a.add(p);
        }
        return a;
    }

    public static JsonObject error(String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        return o;
    }
}
