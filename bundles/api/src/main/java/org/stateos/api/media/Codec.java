package org.stateos.api.media;

/**
 * Codecs a track may carry, with the one payload form each uses inside a {@link Frame} and the codec
 * configuration {@link TrackConfig#config()} holds.
 */
public enum Codec {
    /** Payload: AVCC (4-byte big-endian length before each NAL unit). Config: AVCDecoderConfigurationRecord. */
    H264(MediaKind.VIDEO, true),
    /** Payload: HVCC (4-byte lengths). Config: HEVCDecoderConfigurationRecord. Needs transcoding for WebRTC. */
    HEVC(MediaKind.VIDEO, false),
    /** Payload: AV1 low-overhead bitstream (OBUs). Config: AV1CodecConfigurationRecord. Needs transcoding. */
    AV1(MediaKind.VIDEO, false),
    /** Payload: one raw AAC access unit (no ADTS). Config: AudioSpecificConfig. Needs transcoding for WebRTC. */
    AAC(MediaKind.AUDIO, false),
    /** Payload: one Opus packet. Config: empty or an OpusHead. */
    OPUS(MediaKind.AUDIO, true);

    private final MediaKind kind;
    private final boolean webRtcNative;

    Codec(MediaKind kind, boolean webRtcNative) {
        this.kind = kind;
        this.webRtcNative = webRtcNative;
    }

    public MediaKind kind() {
        return kind;
    }

    /** True when browsers' WebRTC plays it as is (H264, Opus); false when it must be transcoded first. */
    public boolean webRtcNative() {
        return webRtcNative;
    }
}
