package org.stateos.rtmp.internal.flv;

import org.stateos.api.media.Codec;

/** What one FLV audio tag body holds; offsets relative to the parsed buffer's reader index. */
public sealed interface AudioTag {

    /** AudioSpecificConfig (AAC) or OpusHead (Opus). */
    record Config(Codec codec, int offset, int length, int sampleRate, int channels) implements AudioTag {
    }

    /** One raw access unit. */
    record Coded(Codec codec, int offset, int length) implements AudioTag {
    }

    record Unsupported(String what) implements AudioTag {
    }

    record Skipped(String why) implements AudioTag {
    }
}
