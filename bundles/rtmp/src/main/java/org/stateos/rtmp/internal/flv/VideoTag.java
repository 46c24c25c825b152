package org.stateos.rtmp.internal.flv;

import org.stateos.api.media.Codec;

/**
 * What one FLV video tag body (an RTMP video message) holds. Offsets and lengths are relative to the reader index
 * of the buffer that was parsed, so the caller can slice the payload out without a copy.
 */
public sealed interface VideoTag {

    /**
     * A codec configuration: AVCDecoderConfigurationRecord, HEVCDecoderConfigurationRecord or
     * AV1CodecConfigurationRecord.
     *
     * @param nalLengthSize bytes of each NAL unit length in the coded frames (H264, HEVC); 0 for AV1
     * @param width         0 when not known (HEVC and AV1 are not parsed for it)
     */
    record Config(Codec codec, int offset, int length, int width, int height, int nalLengthSize) implements VideoTag {
    }

    /**
     * A coded picture.
     *
     * @param compositionTime pts - dts in milliseconds (signed 24 bits)
     * @param droppable       no NAL unit in it is a reference (H264 nal_ref_idc == 0) or FLV said "disposable"
     */
    record Coded(Codec codec, boolean keyframe, boolean droppable, int compositionTime, int offset, int length)
            implements VideoTag {
    }

    /** The end of a sequence (AVC packet type 2, E-RTMP SequenceEnd). */
    record EndOfSequence(Codec codec) implements VideoTag {
    }

    /** A codec or a packet form this server does not ingest; {@code what} names it for the publisher. */
    record Unsupported(String what) implements VideoTag {
    }

    /** Nothing to publish: a command frame, E-RTMP metadata, an empty packet. */
    record Skipped(String why) implements VideoTag {
    }
}
