package org.stateos.transcoder.internal.codec;

/** Opens {@link AudioCodec}s: in this process or in the codec worker ({@code isolation} in the configuration). */
public interface CodecFactory {
    /**
     * @param asc    the validated configuration; {@code config} are its bytes
     * @throws TranscodeException the codecs could not be opened here and now (in process: at once; in the worker
     *                            the failure comes later through {@link CodecListener#failed})
     */
    AudioCodec open(AudioSpecificConfig asc, byte[] config, int bitrate, CodecListener listener)
            throws TranscodeException;
}
